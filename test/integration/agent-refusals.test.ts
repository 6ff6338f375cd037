// Each bad join token is refused with its own message, and a refused join writes nothing.
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import {
  agentNamespace,
  readStateSecret,
  type AgentNamespace,
} from "../support/agent-in-cluster.js";
import { eventually } from "../support/eventually.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import type { TestHub } from "../support/test-hub.js";

let cluster: TestCluster;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
});

afterEach(() => warren.cleanUp());

async function expiredToken(hub: TestHub): Promise<string> {
  const token = await warren.token(hub, "refused", "--ttl", "1s");
  // Wait for the event itself: the hub listing the token as expired.
  await eventually(
    async () => {
      const listed = JSON.parse(
        (await hub.warrenctl("tokens", "ls", "--format", "json")).stdout,
      ) as { status: string }[];
      return listed.some((t) => t.status === "expired");
    },
    { description: "the token to expire" },
  );
  return token;
}

async function usedUpToken(hub: TestHub, where: AgentNamespace): Promise<string> {
  const token = await warren.token(hub, "refused", "--uses", "1");
  const first = warren.agent({
    hubAddr: hub.addr,
    clusterName: "refused",
    podName: "first",
    where,
    token,
  });
  await first.logs.waitForMessage("agent ready");
  return token;
}

async function deletedToken(hub: TestHub): Promise<string> {
  const token = await warren.token(hub, "refused");
  const id = token.split(".")[1] ?? "";
  expect((await hub.warrenctl("tokens", "rm", id)).code).toBe(0);
  return token;
}

describe("join token refusals", () => {
  it("refuses each bad token with its own message and writes no Secret", async () => {
    const hub = await warren.hub();
    const where = await agentNamespace(cluster, "refusals");
    const cases: [string, string, string][] = [
      ["malformed", "wrn1.not-a-token", "the join token is malformed: expected wrn1.<id>.<secret>"],
      ["unknown", await deletedToken(hub), "is not known to this hub"],
      ["expired", await expiredToken(hub), "expired at"],
      ["used-up", await usedUpToken(hub, where), "has been used for all 1 of its joins"],
      [
        "wrong-type",
        await warren.adminToken(hub, "root"),
        'is a "admin" token and cannot join a Kubernetes agent',
      ],
    ];
    await Promise.all(
      cases.map(async ([podName, token, words]) => {
        const agent = warren.agent({
          hubAddr: hub.addr,
          clusterName: "refused",
          podName,
          where,
          token,
        });
        const refusal = await agent.logs.waitFor(
          (entry) => entry.problem === "join_refused",
          `the ${podName} refusal`,
        );
        expect(refusal.level).toBe("error");
        expect(String(refusal.msg)).toContain(words);
        // The agent keeps retrying (a token file may change), but never writes a state.
        await agent.stop();
        expect(await readStateSecret(cluster, where.namespace, podName)).toBeUndefined();
      }),
    );
  });

  it("refuses to send the token to a hub whose CA is not the pinned one", async () => {
    const hub = await warren.hub();
    const where = await agentNamespace(cluster, "pin");
    const token = await warren.token(hub, "pinned");
    const wrongPin = `sha256:${"0".repeat(64)}`;
    const agent = warren.agent({
      hubAddr: hub.addr,
      clusterName: "pinned",
      podName: "warren-agent-0",
      where,
      token,
      env: { WARREN_CA_PIN: wrongPin },
    });
    const refusal = await agent.logs.waitFor(
      (entry) => entry.problem === "ca_mismatch",
      "the pin mismatch",
    );
    expect(String(refusal.msg)).toContain(`presents CA ${hub.caPin}, not the pinned ${wrongPin}`);
    await agent.stop();
    expect(hub.process.logs.entries.some((e) => e.msg === "agent joined")).toBe(false);
    expect(await readStateSecret(cluster, where.namespace, "warren-agent-0")).toBeUndefined();
  });
});
