// A CA rotation across two hub replicas on one PostgreSQL: each phase may be taken on either,
// both serve from the CA the phase says, and the agent (tunnelled to both) follows each.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startPostgresServer, type PostgresServer } from "@warren/store/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import type { AgentNamespace } from "../support/agent-in-cluster.js";
import { kubeContext, rotateTo, rotationOf, stateCaPins } from "../support/ca-rotation.js";
import { eventually } from "../support/eventually.js";
import { proxyAgentNamespace, readerRole, userKubeconfig } from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let postgres: PostgresServer;
let scratch: string;
let appNs: string;
let where: AgentNamespace;
let a: TestHub;
let b: TestHub;
const warren = new WarrenFixtures();

const replica = () =>
  warren.hub({
    args: ["--store-url", postgres.url, "--store-password-file", postgres.passwordFile],
    env: { WARREN_HUB_REPLICA_HEARTBEAT_INTERVAL: "500ms" },
  });

/** A phase taken on `on`; the other replica must agree and see the agent caught up too. */
async function rotateOn(on: TestHub, other: TestHub, phase: string) {
  const view = await rotateTo(on, phase);
  return eventually(
    async () => {
      const seen = await rotationOf(other);
      return seen.phase === phase && seen.agents.every((agent) => agent.caughtUp) && { view, seen };
    },
    { description: `the other replica in ${phase} with the agent caught up`, timeoutMs: 30_000 },
  );
}

/** kubectl through the replica whose kubeconfig it is. */
async function listWith(kubeconfig: string): Promise<void> {
  const got = await cluster.kubectl(
    ["--context", await kubeContext(kubeconfig, "ha-rot"), "get", "configmaps", "-n", appNs],
    kubeconfig,
  );
  expect(got.exitCode, `${kubeconfig}: ${got.stderr}`).toBe(0);
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  [postgres, scratch] = await Promise.all([
    startPostgresServer(),
    mkdtemp(join(tmpdir(), "ca-rotation-replicas-")),
  ]);
  a = await replica();
  b = await replica();
  appNs = await cluster.createNamespace("rotation-ha-app");
  await readerRole(a, scratch, cluster, {
    role: "reader",
    group: "rotation-ha-readers",
    namespace: appNs,
    resources: ["configmaps"],
  });
  where = await proxyAgentNamespace(cluster, "ha-rot");
  const agent = warren.agent({
    hubAddr: a.addr,
    clusterName: "ha-rot",
    podName: "a-0",
    where,
    token: await warren.token(a, "ha-rot"),
  });
  await agent.logs.waitForMessage("agent ready");
  // Tunnelled to both replicas before the rotation starts.
  await b.process.logs.waitFor(
    (e) => e.msg === "agent connected" && e.cluster === "ha-rot",
    "a tunnel to B",
  );
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await postgres.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe("a CA rotation across two replicas", () => {
  it("takes each phase on either replica, and both serve kubectl throughout", async () => {
    // Signed before the rotation, each for its replica: they trust only the old CA.
    const early = [
      await userKubeconfig(a, scratch, "early-a", "reader"),
      await userKubeconfig(b, scratch, "early-b", "reader"),
    ];
    const { view } = await rotateOn(a, b, "init");
    const newPin = view.newCaPin ?? "";
    await rotateOn(b, a, "update_clients");
    await rotateOn(a, b, "update_servers");
    for (const kubeconfig of early) await listWith(kubeconfig);
    const { seen } = await rotateOn(b, a, "standby");
    expect(seen.activeCaPin).toBe(newPin);
    expect(await stateCaPins(cluster, where.namespace)).toEqual([newPin]);
    await listWith(await userKubeconfig(a, scratch, "late-a", "reader"));
    await listWith(await userKubeconfig(b, scratch, "late-b", "reader"));
    const status = await a.warrenctl("status", "--format", "json");
    expect((JSON.parse(status.stdout) as { caPin: string }).caPin).toBe(newPin);
  });
});
