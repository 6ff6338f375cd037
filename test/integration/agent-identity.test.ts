// Joining, the <pod>-state Secret, restarts, races and renewal, against a real API server with
// the agent's ServiceAccount limited to create/get/update/patch on Secrets in its namespace.
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { agentNamespace, readStateSecret } from "../support/agent-in-cluster.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import { withoutDetectedLabels } from "../support/detected-labels.js";

interface ListedCluster {
  labels: Record<string, string>;
}

let cluster: TestCluster;
const warren = new WarrenFixtures();
const hub = (env: Record<string, string> = {}) => warren.hub({ env });
const agent = warren.agent.bind(warren);
const token = warren.token.bind(warren);

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
});

afterEach(() => warren.cleanUp());

describe("agent identity", () => {
  it("joins, keeps its identity in <pod>-state, and restarts without a token as the same agent", async () => {
    const theHub = await hub();
    const where = await agentNamespace(cluster, "join");
    const joinToken = await token(theHub, "alpha", "--labels", "env=test");
    const options = {
      hubAddr: theHub.addr,
      clusterName: "alpha",
      podName: "warren-agent-0",
      where,
    };
    const first = agent({ ...options, token: joinToken, env: { WARREN_CA_PIN: theHub.caPin } });
    const ready = await first.logs.waitForMessage("agent ready");

    const stored = await readStateSecret(cluster, where.namespace, "warren-agent-0");
    expect(Object.keys(stored?.data ?? {}).sort()).toEqual([
      "agent-id",
      "ca.pem",
      "certificate.pem",
      "cluster-name",
      "format",
      "hub-addr",
      "labels",
      "private-key.pem",
    ]);
    expect(stored?.data["agent-id"]).toBe(ready.agentId);
    expect(stored?.data["cluster-name"]).toBe("alpha");
    expect(JSON.parse(stored?.data.labels ?? "")).toEqual({ env: "test" });
    expect(stored?.secret.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("warren-agent");

    await first.stop();
    const second = agent(options);
    expect((await second.logs.waitForMessage("agent ready")).agentId).toBe(ready.agentId);
    expect(second.logs.entries.some((e) => e.msg === "joined the hub")).toBe(false);
    const after = await readStateSecret(cluster, where.namespace, "warren-agent-0");
    expect(after?.secret.metadata?.resourceVersion).toBe(stored?.secret.metadata?.resourceVersion);

    const listed = await theHub.warrenctl("clusters", "ls", "--format", "json");
    expect(withoutDetectedLabels(JSON.parse(listed.stdout) as ListedCluster[])).toEqual([
      expect.objectContaining({
        name: "alpha",
        labels: { env: "test" },
        agents: [expect.objectContaining({ agentId: ready.agentId })],
      }),
    ]);
  });

  it("leaves one consistent identity when two agents race for the same Secret", async () => {
    const theHub = await hub();
    const where = await agentNamespace(cluster, "race");
    const joinToken = await token(theHub, "race", "--uses", "2");
    const options = {
      hubAddr: theHub.addr,
      clusterName: "race",
      podName: "warren-agent-0",
      where,
      token: joinToken,
    };
    const [a, b] = [agent(options), agent(options)];
    const [readyA, readyB] = await Promise.all([
      a.logs.waitForMessage("agent ready"),
      b.logs.waitForMessage("agent ready"),
    ]);

    const stored = await readStateSecret(cluster, where.namespace, "warren-agent-0");
    expect(readyA.agentId).toBe(stored?.data["agent-id"]);
    expect(readyB.agentId).toBe(stored?.data["agent-id"]);
    // Only the process whose identity was stored says it joined; the other adopted it.
    const joined = [a, b].filter((p) => p.logs.entries.some((e) => e.msg === "joined the hub"));
    expect(joined).toHaveLength(1);
  });

  it("renews its certificate before expiry, without a token, and stores the new one", async () => {
    const theHub = await hub({ WARREN_HUB_AGENT_CERTIFICATE_TTL: "6s" });
    const where = await agentNamespace(cluster, "renew");
    const options = {
      hubAddr: theHub.addr,
      clusterName: "renew",
      podName: "warren-agent-0",
      where,
    };
    const first = agent({ ...options, token: await token(theHub, "renew") });
    const ready = await first.logs.waitForMessage("agent ready");
    const before = await readStateSecret(cluster, where.namespace, "warren-agent-0");

    await first.logs.waitForMessage("renewed the agent certificate");
    await theHub.process.logs.waitForMessage("renewed agent certificate", {
      agentId: ready.agentId,
    });
    const after = await readStateSecret(cluster, where.namespace, "warren-agent-0");
    expect(after?.data["agent-id"]).toBe(ready.agentId);
    expect(after?.data["certificate.pem"]).not.toBe(before?.data["certificate.pem"]);
    expect(after?.data["private-key.pem"]).not.toBe(before?.data["private-key.pem"]);
  });
});
