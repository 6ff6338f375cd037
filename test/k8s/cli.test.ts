// `npm run k8s -- up DIR` / `down DIR` as people run them: a real CLI process, a second real
// cluster beside the suite's own, and nothing left running afterwards.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isAlive } from "./daemon.js";
import { kubectl } from "./kubectl.js";
import type { LocalClusterState } from "./local-cluster.js";
import { runCommand } from "./run-command.js";

const testDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(testDir, "../node_modules/.bin/tsx");
const cli = (...args: string[]) =>
  runCommand(tsx, ["--conditions=@warren/source", join(testDir, "k8s/cli.ts"), ...args]);

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-k8s-cli-"));
});

afterAll(async () => {
  await cli("down", dir);
  await rm(dir, { recursive: true, force: true });
});

describe("npm run k8s", () => {
  it("starts a cluster in the background that kubectl reaches, and stops it completely", async () => {
    const up = await cli("up", dir);
    expect(up.exitCode, up.stderr).toBe(0);
    const kubeconfig = join(dir, "admin.kubeconfig");
    expect(up.stdout.trim()).toBe(kubeconfig);

    // The CLI has exited; the cluster keeps running without it.
    const namespaces = await kubectl(["get", "ns", "-o", "name"], {
      kubeconfig,
      cacheDir: join(dir, "kubectl-cache"),
    });
    expect(namespaces.exitCode, namespaces.stderr).toBe(0);
    expect(namespaces.stdout.trim().split("\n").sort()).toEqual([
      "namespace/default",
      "namespace/kube-node-lease",
      "namespace/kube-public",
      "namespace/kube-system",
    ]);

    const again = await cli("up", dir);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain("already running");

    const state = JSON.parse(
      await readFile(join(dir, "cluster.json"), "utf8"),
    ) as LocalClusterState;
    const pids = [state.processes.etcd.pid, state.processes.kubeApiserver.pid];
    expect(pids.every(isAlive)).toBe(true);
    expect((await cli("status", dir)).exitCode).toBe(0);

    const down = await cli("down", dir);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(existsSync(kubeconfig)).toBe(false);
    expect((await cli("status", dir)).exitCode).toBe(1);
  });

  it("explains its usage when the command is wrong", async () => {
    const result = await cli("sideways");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "usage: npm run k8s -- up DIR | down DIR | status DIR | binaries",
    );
  });
});
