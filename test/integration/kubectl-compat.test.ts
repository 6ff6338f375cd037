// The same kubectl commands straight to the API server and through the hub, as the same
// Kubernetes identity: their output must match, but for what differs by nature (namespace
// names, times, resourceVersions, uids, temporary paths).
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster, type CommandResult } from "../k8s/index.js";
import {
  applyRole,
  bindClusterAdmin,
  readyProxyAgent,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { startEchoServer } from "../support/tcp-echo.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import { compatCases, type CompatSide } from "./kubectl-compat-cases.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let echo: Server;
const sides: Record<"direct" | "hub", CompatSide> = {} as Record<"direct" | "hub", CompatSide>;
const warren = new WarrenFixtures();
const GROUP = "compat-admins";

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "kubectl-compat-"));
  echo = await startEchoServer();
  hub = await warren.hub();
  await readyProxyAgent(warren, cluster, hub, "one", { env: "dev" });
  await bindClusterAdmin(cluster, GROUP);
  await applyRole(
    hub,
    scratch,
    "compat",
    `kind: role\nmetadata: { name: compat }\nspec:\n  allow:\n    kubernetes_labels: { env: dev }\n    kubernetes_groups: [${GROUP}]\n`,
  );
  const alice = await userKubeconfig(hub, scratch, "alice", "compat");
  // Straight to the API server as the identity the hub impersonates for alice.
  const direct = ["--as", "alice", "--as-group", GROUP];
  for (const [side, kubeconfig, extra] of [
    ["direct", cluster.adminKubeconfigPath, direct],
    ["hub", alice, []],
  ] as const) {
    const ns = await cluster.createNamespace(`compat-${side}`);
    await cluster.runPod(ns, "shell");
    const dir = await mkdtemp(join(scratch, `${side}-`));
    sides[side] = {
      ns,
      dir,
      kubeconfig,
      impersonation: extra,
      kubectl: (args: readonly string[], input?: string) =>
        cluster.kubectl([...extra, ...args], kubeconfig, input === undefined ? {} : { input }),
      cluster,
      helmBinary: inject("k8sBinaries").helm,
      echoPort: (echo.address() as AddressInfo).port,
    };
  }
}, 180_000);

afterAll(async () => {
  echo.close();
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

/** What differs between two runs by nature, replaced by placeholders. */
function normalised(result: CommandResult, side: CompatSide): CommandResult {
  const clean = (text: string) =>
    text
      .replaceAll(side.ns, "NS")
      .replaceAll(side.dir, "DIR")
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d{4}/g, "TIME")
      .replace(/LAST DEPLOYED: .*/g, "LAST DEPLOYED: TIME")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "TIME")
      .replace(/"?resourceVersion"?: ?"?\d+"?/g, "resourceVersion: RV")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UID")
      .replace(/\b\d+(\.\d+)?(ms|s|m\d*s?|h\d*m?|d\d*h?)\b/g, "AGE")
      .replace(/\/tmp\/(LIVE|MERGED)-\d+/g, "/tmp/$1")
      .replace(/Age:\s+\S+/g, "Age: AGE")
      // client-go's WebSocket executor logs this at random when a stream's last frames race
      // its close (seen straight to the API server too): kubectl's noise, not behaviour.
      .replace(
        /^E\d{4} [\d:.]+ +\d+ websocket\.go:\d+\] Unknown stream id \d+, discarding message\n/gm,
        "",
      );
  return { exitCode: result.exitCode, stdout: clean(result.stdout), stderr: clean(result.stderr) };
}

describe("kubectl straight to the API server and through the hub", () => {
  for (const compat of compatCases) {
    it(compat.name, async () => {
      const direct = await compat.run(sides.direct);
      const through = await compat.run(sides.hub);
      const [a, b] = [normalised(direct, sides.direct), normalised(through, sides.hub)];
      expect(b).toEqual(a);
      if (compat.expectSuccess !== false) expect(a.exitCode).toBe(0);
    });
  }
});
