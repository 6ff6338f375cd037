// A CA rotation that goes wrong: an agent is offline, so standby is refused; rollback returns
// everyone to the old CA; a forced standby strands the offline agent, which then says so with
// both pins. A new agent joins, pinned to the new CA, while the hub serves a cross-signed chain.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import type { AgentNamespace } from "../support/agent-in-cluster.js";
import { kubeContext, rotateTo, rotationOf, stateCaPins } from "../support/ca-rotation.js";
import { eventually } from "../support/eventually.js";
import { proxyAgentNamespace, readerRole, userKubeconfig } from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import type { WarrenProcess } from "../support/warren-process.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
const where = new Map<string, AgentNamespace>();
const agents = new Map<string, WarrenProcess>();
const warren = new WarrenFixtures();

async function startAgent(name: string, env: Record<string, string> = {}): Promise<void> {
  const namespace = where.get(name) ?? (await proxyAgentNamespace(cluster, name));
  where.set(name, namespace);
  const process = warren.agent({
    hubAddr: hub.addr,
    clusterName: name,
    podName: "a-0",
    where: namespace,
    token: await warren.token(hub, name),
    env,
  });
  agents.set(name, process);
  await process.logs.waitForMessage("agent ready");
}

const pinsOf = (name: string) => stateCaPins(cluster, where.get(name)?.namespace ?? "");
const online = (agent: { cluster: string }) => agent.cluster !== "rb-offline";

async function agentIdOf(name: string): Promise<string> {
  const view = await rotationOf(hub);
  return view.agents.find((agent) => agent.cluster === name)?.agentId ?? "";
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "ca-rollback-"));
  hub = await warren.hub();
  appNs = await cluster.createNamespace("rollback-app");
  await readerRole(hub, scratch, cluster, {
    role: "viewer",
    group: "rollback-viewers",
    namespace: appNs,
    resources: ["pods"],
  });
  await Promise.all([startAgent("rb-online"), startAgent("rb-offline")]);
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

describe("a CA rotation with an agent offline", () => {
  it("refuses standby while the agent is behind, and rolls everyone back to the old CA", async () => {
    const oldPin = hub.caPin;
    const init = await rotateTo(hub, "init");
    const newPin = init.newCaPin ?? "";
    await agents.get("rb-offline")?.stop();
    await rotateTo(hub, "update_clients", online);
    const during = await userKubeconfig(hub, scratch, "dana", "viewer");
    const duringContext = await kubeContext(during, "rb-online");
    const works = await cluster.kubectl(
      ["--context", duringContext, "get", "pods", "-n", appNs],
      during,
    );
    expect(works.exitCode, works.stderr).toBe(0);
    const servers = await rotateTo(hub, "update_servers", online);
    expect(servers.serverSigningCaPin).toBe(newPin);

    // Pinned to the new CA while the hub's chain ends in it cross-signed by the old one.
    await startAgent("rb-new", { WARREN_CA_PIN: newPin });
    expect(await pinsOf("rb-new")).toEqual([oldPin, newPin]);

    const offlineId = await agentIdOf("rb-offline");
    const refused = await hub.warrenctl("auth", "rotate", "--phase", "standby");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      `1 agent(s) have not caught up with the CA rotation: ${offlineId} (cluster rb-offline): ` +
        "its certificate is still from the old CA (not connected to this replica). Wait for them " +
        "(warrenctl status), remove agents that are gone (warrenctl agents rm ID), or add --force",
    );

    await rotateTo(hub, "rollback");
    const done = await rotateTo(hub, "standby");
    expect([done.activeCaPin, done.newCaPin]).toEqual([oldPin, undefined]);
    for (const name of ["rb-online", "rb-new"]) expect(await pinsOf(name)).toEqual([oldPin]);
    expect(await pinsOf("rb-offline")).toEqual([oldPin, newPin]);
    // Signed by the new CA during the rotation: refused now, with the way out.
    const dropped = await cluster.kubectl(
      ["--context", duringContext, "get", "pods", "-n", appNs],
      during,
    );
    expect(dropped.stderr).toContain("your client certificate is from a CA that a rotation");
    const fresh = await userKubeconfig(hub, scratch, "erin", "viewer");
    const got = await cluster.kubectl(
      ["--context", await kubeContext(fresh, "rb-new"), "get", "pods", "-n", appNs],
      fresh,
    );
    expect(got.exitCode, got.stderr).toBe(0);
  });

  it("strands an agent a forced standby left behind, which says why and how to reset it", async () => {
    await rotateTo(hub, "init", online);
    await rotateTo(hub, "update_clients", online);
    await rotateTo(hub, "update_servers", online);
    const forced = await hub.warrenctl("auth", "rotate", "--phase", "standby", "--force");
    expect(forced.code, forced.stderr).toBe(0);
    const offlineId = await agentIdOf("rb-offline");
    const after = await eventually(
      async () => {
        const view = await rotationOf(hub);
        return view.agents.filter(online).every((agent) => agent.caughtUp) && view;
      },
      { description: "the agents online caught up with the forced standby" },
    );
    expect(after.agents.find((agent) => agent.agentId === offlineId)?.behind).toBe(
      "its certificate is from a CA the hub no longer trusts: reset its state and join it again",
    );
    // The offline agent comes back holding only dropped CAs and a certificate from one. The
    // hub is still the one it knew (its chain is cross-signed by a CA the agent holds), so
    // this is no "CA changed": its identity is refused, with the reason and the reset.
    const process = warren.agent({
      hubAddr: hub.addr,
      clusterName: "rb-offline",
      podName: "a-0",
      where: where.get("rb-offline") ?? (await proxyAgentNamespace(cluster, "rb-offline")),
    });
    const refused = await process.logs.waitFor(
      (e) => e.problem === "identity_rejected",
      "the agent saying its identity is refused",
    );
    const namespace = where.get("rb-offline")?.namespace ?? "";
    expect(refused.msg).toContain("the hub refuses this agent's identity: no client certificate");
    expect(refused.msg).toContain("a CA rotation's standby");
    expect(refused.msg).toContain(`To reset: kubectl delete secret -n ${namespace} a-0-state`);
  });

  it("lets an agent that slept through init catch up when it returns, from its identity check", async () => {
    const sleeper = agents.get("rb-online");
    await sleeper?.stop();
    const awake = (agent: { cluster: string }) =>
      !["rb-online", "rb-offline"].includes(agent.cluster);
    const init = await rotateTo(hub, "init", awake);
    await rotateTo(hub, "update_clients", awake);
    await rotateTo(hub, "update_servers", awake);
    // Back with only the old CA: the hub's chain is vouched for by it (cross-signed), so the
    // agent checks its identity, learns the CAs, then takes the push and renews over its tunnel.
    const back = warren.agent({
      hubAddr: hub.addr,
      clusterName: "rb-online",
      podName: "a-0",
      where: where.get("rb-online") ?? (await proxyAgentNamespace(cluster, "rb-online")),
      env: { WARREN_CHECK_INTERVAL: "200ms" },
    });
    await back.logs.waitFor(
      (e) =>
        e.msg === "now trusts the hub's certificate authorities" && e.phase === "identity check",
      "the returning agent learning the CAs",
    );
    await back.logs.waitForMessage(
      "renewed the agent certificate from the CA that signs agents now",
    );
    expect(await pinsOf("rb-online")).toEqual([init.activeCaPin, init.newCaPin]);
    // The stranded one is gone for good: removed, it no longer holds standby back.
    const removed = await hub.warrenctl("agents", "rm", await agentIdOf("rb-offline"));
    expect(removed.code, removed.stderr).toBe(0);
    await rotateTo(hub, "standby");
    expect(await pinsOf("rb-online")).toEqual([init.newCaPin]);
  });
});
