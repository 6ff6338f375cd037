// npm run demo, the README's first line: everything comes up, kubectl works through the hub,
// and down leaves nothing running.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isRunningDaemon } from "../k8s/daemon.js";
import { kubectl } from "../k8s/kubectl.js";
import { readLocalClusterState } from "../k8s/local-cluster.js";
import { runCommand } from "../k8s/run-command.js";
import { demoPaths, readDemoState } from "../demo/demo-state.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-demo-"));
});

afterAll(async () => {
  await demo("down");
  await rm(dir, { recursive: true, force: true });
});

const demo = (command: "up" | "down") =>
  runCommand("npm", ["run", "-s", "demo", "--", command, dir], { cwd: repoRoot });

describe("npm run demo", () => {
  it("brings up a cluster, a hub, an agent and a user, and shows kubectl working through the hub", async () => {
    const up = await demo("up");
    expect(up.stderr).not.toContain("demo failed");
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toMatch(/^warren\s+Active/m);
    expect(up.stdout).toContain('Warren is up: cluster "local" is reached through the hub');
    const kubeconfig = demoPaths(dir).userKubeconfig;
    const exec = await kubectl(["exec", "-n", "demo", "hello", "--", "echo", "through the hub"], {
      kubeconfig,
      cacheDir: join(dir, "kubectl-cache"),
    });
    expect(exec.stdout).toBe("through the hub\n");
  });

  it("stops everything it started on down", async () => {
    const state = await readDemoState(dir);
    const cluster = await readLocalClusterState(demoPaths(dir).k8s);
    if (!state || !cluster) throw new Error("the demo left no state to stop");
    const down = await demo("down");
    expect(down.exitCode).toBe(0);
    for (const daemon of [state.hub, state.agent, ...Object.values(cluster.processes)])
      expect(isRunningDaemon(daemon)).toBe(false);
  });
});
