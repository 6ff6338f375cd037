// What an agent does when its hub restarts, and when the hub comes back as a different hub
// (a new data directory, so a new CA): the case of reference 000's CA-mismatch failure.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { agentNamespace, readStateSecret, writeTokenFile } from "../support/agent-in-cluster.js";
import { eventually } from "../support/eventually.js";
import { chartAgentNamespace } from "../support/kube-through-hub.js";
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

  it("pinned, refuses a recreated hub and tells it, then re-joins once given its token and pin", async () => {
    const hub = await warren.hub();
    // The chart's permissions, so the cluster is healthy once the agent is back.
    const where = await chartAgentNamespace(cluster, "pinned");
    // As the chart runs it: release and StatefulSet "edge", so doctor's fix can name them.
    const pinnedTo = (to: { caPin: string }, token: string) =>
      warren.agent({
        hubAddr: hub.addr,
        clusterName: "pinned",
        podName: "edge-0",
        where,
        token,
        env: {
          ...FAST_CHECKS,
          WARREN_CA_PIN: to.caPin,
          WARREN_STATEFULSET: "edge",
          WARREN_HELM_RELEASE: "edge",
          WARREN_CHART_VERSION: "0.1.0",
        },
      });
    const first = pinnedTo(hub, await warren.token(hub, "pinned"));
    const ready = await first.logs.waitForMessage("agent ready");

    await hub.process.stop();
    const recreated = await warren.hub({ port: hub.port });
    const mismatch = await first.logs.waitFor(isProblem("ca_mismatch"), "the CA mismatch error");
    expect(mismatch.msg).toContain(
      `issued by CA ${hub.caPin}, but the hub at ${hub.addr} now presents CA ${recreated.caPin}`,
    );
    expect(mismatch.msg).toContain(
      `This agent pins CA ${hub.caPin} (caPin), so it sends its join token to no other hub`,
    );
    await recreated.process.logs.waitFor(
      (e) => e.msg === "an agent pinned to another CA will not join this hub (its own report)",
      "the agent's report",
    );
    // It never sent its token: the new hub saw no join.
    expect(recreated.process.logs.entries.some((e) => e.method === "Join")).toBe(false);

    const doctor = await recreated.warrenctl("doctor");
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(
      new RegExp(
        `✗ cluster "pinned": an agent says it is this cluster's and pins CA ${hub.caPin}, not ` +
          "this hub's, so it sends no join token here \\(its own report, unverified: \\d+ " +
          "time\\(s\\), last",
      ),
    );
    expect(doctor.stdout).toContain(
      "  fix: if this hub replaced the one the agent pins, mint a token here and give the " +
        "agent both (warrenctl tokens add --type kube --cluster pinned, then helm upgrade edge " +
        `charts/kube-agent -n ${where.namespace} --reuse-values --set authToken=NEW_TOKEN ` +
        `--set caPin=${recreated.caPin}): it re-joins by itself, replacing its old identity; ` +
        "if the agent is not yours, leave it\n",
    );

    // The chart upgrade doctor printed: a new pod with the new token and pin.
    await first.stop();
    const upgraded = pinnedTo(recreated, await warren.token(recreated, "pinned"));
    const rejoined = await upgraded.logs.waitForMessage("re-joined the hub");
    expect(rejoined.agentId).not.toBe(ready.agentId);
    await upgraded.logs.waitForMessage("agent ready");
    // Once the hub has the tunnel too, the cluster is connected and its report is history.
    const healed = await eventually(
      async () => {
        const result = await recreated.warrenctl("doctor");
        return result.code === 0 && result;
      },
      { description: "the hub to see the re-joined agent" },
    );
    expect(healed.stdout).toBe("No problems found (1 cluster(s)).\n");
  });
});
