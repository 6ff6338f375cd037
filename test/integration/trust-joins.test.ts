// A cluster is the admin's, not the agent's: a join token names the cluster it may join, the
// admin's labels are the ones roles match, and join failures are throttled and never let a
// caller write into warrenctl doctor.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { status } from "@grpc/grpc-js";
import { callUnary, hubChannel, isServiceError } from "@warren/hub-client";
import { createCertificateRequest, generateKeyPair } from "@warren/pki";
import { JoinServiceClient } from "@warren/proto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import {
  applyRole,
  groupRole,
  readyProxyAgent,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import { runWarrenctl, type TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import { withoutDetectedLabels } from "../support/detected-labels.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
/** A user whose role makes anyone on an env=dev cluster a cluster admin. */
let mallory: string;
const warren = new WarrenFixtures();

interface ListedCluster {
  name: string;
  labels: Record<string, string>;
  agents: { agentId: string }[];
}

const listClusters = async (on: TestHub) =>
  withoutDetectedLabels(
    JSON.parse(
      (await on.warrenctl("clusters", "ls", "--format", "json")).stdout,
    ) as ListedCluster[],
  );

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "trust-joins-"));
  hub = await warren.hub();
  await readyProxyAgent(warren, cluster, hub, "local", { env: "prod" });
  // What an attacker with a join token wants: the cluster to look like env=dev.
  await applyRole(hub, scratch, "dev-admin", groupRole("dev-admin", "system:masters", "dev"));
  await applyRole(hub, scratch, "prod-viewer", groupRole("prod-viewer", "prod-viewers", "prod"));
  mallory = await userKubeconfig(hub, scratch, "mallory", "dev-admin,prod-viewer");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

/** An agent outside Kubernetes, waited on until the hub refuses its join; returns the message. */
async function refusedJoin(clusterName: string, token: string, labels?: string): Promise<string> {
  const agent = warren.dirAgent({
    hubAddr: hub.addr,
    clusterName,
    stateDir: join(scratch, `${clusterName}-${randomBytes(4).toString("hex")}`),
    token,
    env: labels === undefined ? {} : { WARREN_LABELS: labels },
  });
  const refused = await agent.logs.waitFor((e) => e.problem === "join_refused", "the refusal");
  await agent.stop();
  return String(refused.msg);
}

describe("a join token", () => {
  it("minted for one cluster cannot join another, and the refusal names both", async () => {
    const token = await warren.token(hub, "dev", "--labels", "env=dev");
    const message = await refusedJoin("local", token);
    expect(message).toContain('was minted for cluster "dev", not "local"');
    expect(message).toContain("--set kubeClusterName=dev");
    const clusters = await listClusters(hub);
    expect(clusters.map((c) => [c.name, c.labels, c.agents.length])).toEqual([
      ["local", { env: "prod" }, 1],
    ]);
  });

  it("lets no agent choose labels, so a join cannot change who reaches the cluster", async () => {
    const replicaToken = await warren.token(hub, "local", "--uses", "2");
    const message = await refusedJoin("local", replicaToken, "env=dev");
    expect(message).toContain("does not let the agent set env=dev");
    const whoami = await cluster.kubectl(["auth", "whoami", "-o", "json"], mallory);
    expect(whoami.stderr).toBe("");
    const { groups } = (JSON.parse(whoami.stdout) as { status: { userInfo: { groups: string[] } } })
      .status.userInfo;
    expect(groups).toContain("prod-viewers");
    expect(groups).not.toContain("system:masters");
    // A replica the admin minted a token for joins, and serves under the cluster's labels.
    const replica = warren.dirAgent({
      hubAddr: hub.addr,
      clusterName: "local",
      stateDir: join(scratch, "local-replica"),
      token: replicaToken,
    });
    await replica.logs.waitForMessage("tunnel up");
    const [local] = await listClusters(hub);
    expect(local?.labels).toEqual({ env: "prod" });
    expect(local?.agents).toHaveLength(2);
  });

  it("may let agents choose the label keys it names, when their join creates the cluster", async () => {
    const token = await warren.token(
      hub,
      "edge",
      "--labels",
      "env=edge",
      "--agent-label-keys",
      "region",
    );
    const agent = warren.dirAgent({
      hubAddr: hub.addr,
      clusterName: "edge",
      stateDir: join(scratch, "edge"),
      token,
      env: { WARREN_LABELS: "region=eu-1,env=edge" },
    });
    await agent.logs.waitForMessage("tunnel up");
    const edge = (await listClusters(hub)).find((c) => c.name === "edge");
    expect(edge?.labels).toEqual({ env: "edge", region: "eu-1" });

    // Removing the cluster revokes its agents and frees the name for a new owner.
    const removed = await hub.warrenctl("clusters", "rm", "edge");
    expect(removed.stdout).toContain("Removed cluster edge; revoked 1 agent(s)");
    await hub.process.logs.waitForMessage("agent disconnected", {
      agentId: edge?.agents[0]?.agentId,
    });
    expect((await listClusters(hub)).map((c) => c.name)).not.toContain("edge");
  });
});

describe("a cluster's labels", () => {
  it("are not changed by a token for the existing cluster, which may only repeat them", async () => {
    const mint = (labels: string) =>
      hub.warrenctl("tokens", "add", "--type", "kube", "--cluster", "local", "--labels", labels);
    const changing = await mint("env=dev");
    expect(changing.code).toBe(1);
    expect(changing.stderr).toContain("cluster local exists with labels env=prod");
    expect(changing.stderr).toContain("warrenctl clusters label local");
    expect((await mint("env=prod")).code).toBe(0);
  });

  it("are changed by an admin only, and roles follow them at once", async () => {
    const relabelled = await hub.warrenctl("clusters", "label", "local", "env=dev", "tier-");
    expect(relabelled.code, relabelled.stderr).toBe(0);
    expect(relabelled.stdout).toContain("Cluster local now has labels env=dev");
    const whoami = await cluster.kubectl(
      ["auth", "whoami", "-o", "jsonpath={.status.userInfo}"],
      mallory,
    );
    expect(whoami.stderr).toBe("");
    expect(whoami.stdout).toContain("system:masters");
    const back = await hub.warrenctl("clusters", "label", "local", "env=prod");
    expect(back.code).toBe(0);
    const audited = JSON.parse(
      (await hub.warrenctl("audit", "ls", "--kind", "admin", "--format", "json")).stdout,
    ) as Record<string, unknown>[];
    expect(audited).toContainEqual(
      expect.objectContaining({
        kind: "admin",
        user: "local-admin",
        verb: "label",
        resource: "clusters",
        name: "local",
        status: 200,
      }),
    );
  });
});

describe("failed joins", () => {
  it("are throttled per address, and doctor shows none made with tokens it never minted", async () => {
    const target = await warren.hub();
    const channel = hubChannel(target.addr, { caPem: await caOf(target) });
    const client = new JoinServiceClient(channel.target, channel.credentials, channel.options);
    const keys = await generateKeyPair();
    const csrPem = createCertificateRequest(keys, "x");
    const codes: status[] = [];
    const started = performance.now();
    try {
      for (let i = 0; i < 200; i++) {
        const token = `wrn1.${randomBytes(8).toString("hex")}.${randomBytes(32).toString("base64url")}`;
        const request = {
          token,
          csrPem,
          clusterName: `fake-${String(i)}`,
          labels: {},
          agentVersion: "x",
          provisionToken: "",
          placement: undefined,
        };
        codes.push(
          await callUnary(client.join.bind(client), request).then(
            () => status.OK,
            (error: unknown) => (isServiceError(error) ? error.code : status.UNKNOWN),
          ),
        );
      }
    } finally {
      client.close();
    }
    // A burst of 20, then one more every 3 s: the loop earns those while it runs.
    const earned = Math.floor((performance.now() - started) / 3000);
    const throttled = codes.filter((c) => c === status.RESOURCE_EXHAUSTED).length;
    expect(codes.filter((c) => c === status.UNAUTHENTICATED).length).toBe(200 - throttled);
    expect(200 - throttled).toBeLessThanOrEqual(20 + earned);
    expect(200 - throttled).toBeGreaterThanOrEqual(20);
    const doctor = await target.warrenctl("doctor", "--format", "json");
    expect(doctor.stdout).not.toContain("fake-");
    expect(JSON.parse(doctor.stdout)).toEqual([]);
    const metrics = await (await fetch(`${target.metricsUrl}/metrics`)).text();
    const counted = /warren_hub_join_refusals_total\{reason="throttled"\} (\d+)/.exec(metrics);
    expect(Number(counted?.[1])).toBe(throttled);
  });
});

describe("admin tokens", () => {
  it("fix the admin's name when minted: the enrolling side cannot choose another", async () => {
    const token = await warren.adminToken(hub, "alice");
    const login = (...more: string[]) =>
      runWarrenctl([
        "auth",
        "login",
        "--hub",
        hub.addr,
        "--token",
        token,
        "--ca-pin",
        hub.caPin,
        "--profile",
        join(scratch, "alice.json"),
        ...more,
      ]);
    const renamed = await login("--name", "local-admin");
    expect(renamed.stderr).toContain('was minted for admin "alice", not "local-admin"');
    const enrolled = await login();
    expect(enrolled.stdout).toContain("as admin alice until");
    const events = JSON.parse(
      (await hub.warrenctl("audit", "ls", "--kind", "join", "--format", "json")).stdout,
    ) as Record<string, unknown>[];
    expect(events).toContainEqual(
      expect.objectContaining({ kind: "join", verb: "enrol", user: "alice", status: 200 }),
    );
  });
});

async function caOf(target: TestHub): Promise<string> {
  const profile = JSON.parse(
    await readFile(join(target.dataDir, "admin", "profile.json"), "utf8"),
  ) as { caPem: string };
  return profile.caPem;
}
