import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { stopDaemon, type DaemonRecord } from "../k8s/daemon.js";
import { stopLocalCluster } from "../k8s/local-cluster.js";

/** What `npm run demo` leaves in DIR/demo.json for `npm run demo -- down`. */
export interface DemoState {
  hub: DaemonRecord;
  agent: DaemonRecord;
  kubeUrl: string;
  userKubeconfig: string;
}

export const demoPaths = (dir: string) => ({
  state: join(dir, "demo.json"),
  k8s: join(dir, "k8s"),
  hubData: join(dir, "hub"),
  logs: join(dir, "logs"),
  work: join(dir, "work"),
  userKubeconfig: join(dir, "demo.kubeconfig"),
});

export async function readDemoState(dir: string): Promise<DemoState | undefined> {
  const path = demoPaths(dir).state;
  return existsSync(path) ? (JSON.parse(await readFile(path, "utf8")) as DemoState) : undefined;
}

export async function writeDemoState(dir: string, state: DemoState): Promise<void> {
  await writeFile(demoPaths(dir).state, `${JSON.stringify(state, null, 2)}\n`);
}

/** Stops the agent, the hub and the cluster; keeps the logs. Safe when nothing runs. */
export async function stopDemo(dir: string): Promise<boolean> {
  const p = demoPaths(dir);
  const state = await readDemoState(dir);
  if (state) {
    await stopDaemon(state.agent);
    await stopDaemon(state.hub);
  }
  const clusterStopped = await stopLocalCluster(p.k8s);
  await Promise.all(
    [p.state, p.hubData, p.work, p.userKubeconfig].map((path) =>
      rm(path, { recursive: true, force: true }),
    ),
  );
  return state !== undefined || clusterStopped;
}
