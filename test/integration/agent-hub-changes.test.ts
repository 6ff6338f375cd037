// What an agent does when its hub restarts, and when the hub comes back as a different hub
// (a new data directory, so a new CA): the case of reference 000's CA-mismatch failure.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { agentNamespace, readStateSecret, writeTokenFile } from "../support/agent-in-cluster.js";
import type { LogEntry } from "../support/process-logs.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let scratch: string;
const warren = new WarrenFixtures();
/** Check the hub often, so each change shows within a fraction of a second. */
const FAST_CHECKS = { WARREN_CHECK_INTERVAL: "200ms" };

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "warren-hub-changes-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

afterEach(() => warren.cleanUp());

const isProblem = (problem: string) => (entry: LogEntry) => entry.problem === problem;

describe("an agent whose hub changes", () => {
  it("is still accepted by a hub restarted on the same data directory", async () => {
    const hub = await warren.hub();
    const where = await agentNamespace(cluster, "restart");
    const token = await warren.token(hub, "restart");
    const agent = warren.agent({
      hubAddr: hub.addr,
      clusterName: "restart",
      podName: "a-0",
      where,
      token,
      env: FAST_CHECKS,
    });
    const ready = await agent.logs.waitForMessage("agent ready");

    await hub.process.stop();
    await agent.logs.waitFor(isProblem("hub_unreachable"), "the agent to notice the hub is gone");
    const restarted = await warren.hub({ dataDir: hub.dataDir, port: hub.port });
    expect(restarted.caPin).toBe(hub.caPin);

    const back = await agent.logs.waitForMessage("the hub recognises this agent");
    expect(back.agentId).toBe(ready.agentId);
    expect((await readStateSecret(cluster, where.namespace, "a-0"))?.data["agent-id"]).toBe(
      ready.agentId,
    );
  });

  it("names the changed CA and its reset once, then re-joins with a token from the new hub", async () => {
    const hub = await warren.hub();
    const where = await agentNamespace(cluster, "ca-change");
    const tokenFile = await writeTokenFile(
      scratch,
      "ca-change-token",
      await warren.token(hub, "moved"),
    );
    const agent = warren.agent({
      hubAddr: hub.addr,
      clusterName: "moved",
      podName: "a-0",
      where,
      tokenFile,
      env: FAST_CHECKS,
    });
    const ready = await agent.logs.waitForMessage("agent ready");

    await hub.process.stop();
    const recreated = await warren.hub({ port: hub.port });
    expect(recreated.caPin).not.toBe(hub.caPin);

    const mismatch = await agent.logs.waitFor(isProblem("ca_mismatch"), "the CA mismatch error");
    expect(mismatch.level).toBe("error");
    expect(mismatch.msg).toContain(
      `issued by CA ${hub.caPin}, but the hub at ${hub.addr} now presents CA ${recreated.caPin}`,
    );
    expect(mismatch.msg).toContain(
      `To reset: kubectl delete secret -n ${where.namespace} a-0-state, then restart the agent`,
    );
    // The old hub's token means nothing to the new hub: the agent says so and waits.
    const refused = await agent.logs.waitFor(isProblem("join_refused"), "the old token's refusal");
    expect(refused.msg).toContain("is not known to this hub");

    await writeTokenFile(scratch, "ca-change-token", await warren.token(recreated, "moved"));
    const rejoined = await agent.logs.waitForMessage("re-joined the hub");
    expect(rejoined.agentId).not.toBe(ready.agentId);
    await agent.logs.waitForMessage("the hub recognises this agent");

    const stored = await readStateSecret(cluster, where.namespace, "a-0");
    expect(stored?.data["agent-id"]).toBe(rejoined.agentId);
    expect(agent.logs.entries.filter(isProblem("ca_mismatch"))).toHaveLength(1);
  });

  it("with --no-auto-rejoin, names the changed CA and leaves its identity alone", async () => {
    const hub = await warren.hub();
    const where = await agentNamespace(cluster, "no-rejoin");
    const token = await warren.token(hub, "stay");
    const first = warren.agent({
      hubAddr: hub.addr,
      clusterName: "stay",
      podName: "a-0",
      where,
      token,
    });
    await first.logs.waitForMessage("agent ready");
    await first.stop();
    const before = await readStateSecret(cluster, where.namespace, "a-0");

    const recreated = await warren.hub();
    const agent = warren.agent({
      hubAddr: recreated.addr,
      clusterName: "stay",
      podName: "a-0",
      where,
      token: await warren.token(recreated, "stay"),
      args: ["--no-auto-rejoin"],
    });
    const mismatch = await agent.logs.waitFor(isProblem("ca_mismatch"), "the CA mismatch error");
    expect(mismatch.msg).toContain("Auto-rejoin is off.");
    await agent.stop();
    const after = await readStateSecret(cluster, where.namespace, "a-0");
    expect(after?.secret.metadata?.resourceVersion).toBe(before?.secret.metadata?.resourceVersion);
    expect(recreated.process.logs.entries.some((e) => e.msg === "agent joined")).toBe(false);
  });
});
