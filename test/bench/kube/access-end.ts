import { request } from "node:https";

import { latencyStats, type LatencyStats } from "../stats.js";
import type { KubeClient } from "./https-client.js";
import type { KubeRig } from "./kube-rig.js";

export interface AccessEndReport {
  description: string;
  watches: number;
  rounds: number;
  /** From the lock command's start to each watch's end, as its client sees it. */
  watchEnd: LatencyStats;
  /** The lock command alone (warrenctl's connection, the change, the re-check). */
  lockCommand: LatencyStats;
}

/** Opens a watch; resolves once its headers came, with a promise of its end. */
function openWatch(client: KubeClient, path: string): Promise<{ ended: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`${client.base}${path}`), { agent: client.agent }, (res) => {
      const ended = new Promise<number>((done) => {
        res.on("close", () => {
          done(performance.now());
        });
      });
      res.resume();
      resolve({ ended });
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * How long an admin's lock takes to end a user's open watches: `watches` watches through the
 * hub, the user locked, the time until each stream has ended; then unlocked, `rounds` times.
 */
export async function measureAccessEnd(
  rig: KubeRig,
  watches = 20,
  rounds = 5,
): Promise<AccessEndReport> {
  const path = `/api/v1/namespaces/${rig.namespace}/configmaps?watch=1`;
  const ends: number[] = [];
  const commands: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const open = await Promise.all(
      Array.from({ length: watches }, () => openWatch(rig.throughHub, path)),
    );
    const started = performance.now();
    await rig.lockUser();
    commands.push(performance.now() - started);
    for (const endedAt of await Promise.all(open.map((w) => w.ended))) ends.push(endedAt - started);
    await rig.unlockUser();
  }
  return {
    description: `an admin locks a user with ${String(watches)} watches open through the hub`,
    watches,
    rounds,
    watchEnd: latencyStats(ends),
    lockCommand: latencyStats(commands),
  };
}
