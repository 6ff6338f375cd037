// Several hubs on one PostgreSQL: any replica serves kubectl, warrenctl and joins; an agent
// keeps a tunnel to every live replica; a change on one replica reaches the others at once;
// a dead replica or a lost database degrades, never corrupts.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { status } from "@grpc/grpc-js";
import { callUnary, hubChannel, isServiceError } from "@warren/hub-client";
import { createCertificateRequest, generateKeyPair } from "@warren/pki";
import { JoinServiceClient } from "@warren/proto";
import { startPostgresServer, type PostgresServer } from "@warren/store/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { backgroundExec, backgroundKubectl } from "../support/background-kubectl.js";
import { eventually } from "../support/eventually.js";
import {
  applyRole,
  bindExec,
  bindGroup,
  groupRole,
  proxyAgentNamespace,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import {
  expectEndedForStoppedReplica,
  ORPHANS_ENDED,
  type PlayedEnd,
} from "../support/orphaned-recording.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let postgres: PostgresServer;
let scratch: string;
let appNs: string;
let a: TestHub;
let b: TestHub;
const warren = new WarrenFixtures();
const POD = "app-0";

/** A replica on the shared store; heartbeats fast so a dead one drops out within the test. */
const replica = () =>
  warren.hub({
    args: ["--store-url", postgres.url, "--store-password-file", postgres.passwordFile],
    env: { WARREN_HUB_REPLICA_HEARTBEAT_INTERVAL: "500ms" },
  });

/** Resolves once `hub` holds a tunnel from an agent of `clusterName`, from entry `after` on. */
const tunnelFrom = (hub: TestHub, clusterName: string, after = 0) =>
  hub.process.logs.waitFor(
    (e) => e.msg === "agent connected" && e.cluster === clusterName,
    `a tunnel from ${clusterName}`,
    30_000,
    after,
  );

const readyz = async (hub: TestHub) => {
  const response = await fetch(`${hub.metricsUrl}/readyz`);
  return { status: response.status, body: await response.text() };
};

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  [postgres, scratch] = await Promise.all([
    startPostgresServer(),
    mkdtemp(join(tmpdir(), "ha-replicas-")),
  ]);
  a = await replica();
  b = await replica();
  appNs = await cluster.createNamespace("ha-app");
  // Our own ClusterRole: "view" is aggregated, and no controller-manager runs here.
  const reader = cluster.uniqueName("ha-reader");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: reader },
      rules: [
        { apiGroups: [""], resources: ["pods", "configmaps"], verbs: ["get", "list", "watch"] },
      ],
    },
  });
  await bindGroup(cluster, appNs, "ha-viewers", reader);
  await bindExec(cluster, appNs, "ha-execers");
  await cluster.kubectl(["create", "configmap", "seen", "-n", appNs]);
  await applyRole(a, scratch, "viewer", groupRole("viewer", "ha-viewers"));
  await applyRole(a, scratch, "execer", groupRole("execer", "ha-execers"));
  // The agent is told only A; it learns B from A.
  const agent = warren.agent({
    hubAddr: a.addr,
    clusterName: "ha",
    podName: "a-0",
    where: await proxyAgentNamespace(cluster, "ha-agent"),
    token: await warren.token(a, "ha", "--labels", "env=dev"),
  });
  await Promise.all([
    agent.logs.waitForMessage("agent ready"),
    tunnelFrom(a, "ha"),
    cluster.runPod(appNs, POD),
  ]);
  await tunnelFrom(b, "ha");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await postgres.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe("two hub replicas on one PostgreSQL", () => {
  it("share one CA: an agent joined through A serves kubectl through B, audited in one log", async () => {
    expect(b.caPin).toBe(a.caPin);
    const kubeconfig = await userKubeconfig(b, scratch, "ann", "viewer");
    const got = await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
    expect(got.exitCode, got.stderr).toBe(0);
    // B writes its audit in batches of up to 50 ms; A reads the one shared table.
    await eventually(
      async () => {
        const audit = await a.warrenctl("audit", "ls", "--user", "ann", "--format", "json");
        const events = JSON.parse(audit.stdout) as { verb: string; cluster: string }[];
        return events.some((e) => e.verb === "list" && e.cluster === "ha");
      },
      { description: "B's audit event listed by A" },
    );
  });

  it("refuses on B, at once, a user removed on A, and ends B's open watch", async () => {
    const kubeconfig = await userKubeconfig(b, scratch, "bo", "viewer");
    // kubectl prints each configmap as a line: the list first, then events.
    const watch = backgroundKubectl(cluster, kubeconfig, ["get", "cm", "-n", appNs, "-w"]);
    await watch.stdout.waitFor((e) => (e.msg ?? "").startsWith("seen "), "the watch's list");
    // An event it prints proves the watch stream itself is open on B.
    await cluster.kubectl(["create", "configmap", "bo-was-here", "-n", appNs]);
    await watch.stdout.waitFor((e) => (e.msg ?? "").startsWith("bo-was-here "), "an event");
    const removed = await a.warrenctl("users", "rm", "bo");
    expect(removed.code, removed.stderr).toBe(0);
    await b.process.logs.waitFor(
      (e) => e.msg === "ended a session its user may no longer have" && e.user === "bo",
      "B ending bo's watch",
    );
    await watch.exited;
    const refused = await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("user bo no longer exists");
  });

  it("joins with a single-use token exactly once when both replicas are raced", async () => {
    const token = await warren.token(a, "race");
    const caPem = (
      JSON.parse(await readFile(join(a.dataDir, "admin", "profile.json"), "utf8")) as {
        caPem: string;
      }
    ).caPem;
    const keys = await generateKeyPair();
    const join1 = (hub: TestHub) => {
      const channel = hubChannel(hub.addr, { caPem });
      const client = new JoinServiceClient(channel.target, channel.credentials, channel.options);
      const request = {
        token,
        csrPem: createCertificateRequest(keys, "x"),
        clusterName: "race",
        labels: {},
        agentVersion: "x",
        provisionToken: "",
        placement: undefined,
      };
      return callUnary(client.join.bind(client), request)
        .then(
          () => status.OK,
          (error: unknown) => (isServiceError(error) ? error.code : status.UNKNOWN),
        )
        .finally(() => {
          client.close();
        });
    };
    const codes = await Promise.all([join1(a), join1(b), join1(a), join1(b)]);
    expect(codes.filter((code) => code === status.OK)).toHaveLength(1);
    const listed = await b.warrenctl("clusters", "ls", "--format", "json");
    const clusters = JSON.parse(listed.stdout) as { name: string; agents: unknown[] }[];
    const race = clusters.find((c) => c.name === "race");
    expect(race?.agents).toHaveLength(1);
  });
});

describe("a replica killed under load", () => {
  it("leaves the other serving, loses nothing acknowledged, and gets its agents back", async () => {
    const kubeconfig = await userKubeconfig(b, scratch, "cy", "viewer");
    const get = () => cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
    // Users added through both replicas while A dies: every acknowledged one must survive.
    const adds = Array.from({ length: 12 }, (_, i) =>
      (i % 2 === 0 ? a : b)
        .warrenctl("users", "add", `load-${String(i)}`, "--roles", "viewer")
        .then((result) => ({ name: `load-${String(i)}`, ok: result.code === 0 })),
    );
    // kubectl through B without pause, from before A dies until A's successor has the agent.
    let loading = true;
    const worker = async () => {
      const results = [];
      while (loading) results.push(await get());
      return results;
    };
    const workers = Promise.all([worker(), worker()]);
    await a.process.kill();
    const acknowledged = (await Promise.all(adds)).filter((add) => add.ok).map((add) => add.name);
    const users = JSON.parse((await b.warrenctl("users", "ls", "--format", "json")).stdout) as {
      name: string;
    }[];
    const names = users.map((user) => user.name);
    for (const name of acknowledged) expect(names).toContain(name);
    // A new replica in A's place: the agent learns of it from B and dials it.
    a = await replica();
    await tunnelFrom(a, "ha");
    loading = false;
    const served = (await workers).flat();
    expect(served.length).toBeGreaterThan(2);
    for (const result of served) expect(result.exitCode, result.stderr).toBe(0);
    const through = await cluster.kubectl(
      ["get", "pods", "-n", appNs],
      await userKubeconfig(a, scratch, "dee", "viewer"),
    );
    expect(through.exitCode, through.stderr).toBe(0);
  });
});

describe("a replica that dies mid-session", () => {
  it("has the session's recording ended by the other, keeping what was written", async () => {
    const kubeconfig = await userKubeconfig(a, scratch, "fay", "execer");
    const shell = backgroundExec(cluster, kubeconfig, appNs, POD);
    shell.write("before A died\n");
    await shell.stdout.waitFor((e) => e.msg === "before A died", "the exec's echo");
    const listed = await b.warrenctl("recordings", "ls", "--user", "fay", "--format", "json");
    const id = (JSON.parse(listed.stdout) as { id: string }[])[0]?.id ?? "";
    const played = async () =>
      JSON.parse(
        (await b.warrenctl("recordings", "play", id, "--format", "json")).stdout,
      ) as PlayedEnd;
    // Events are written within a second: wait for them, so the kill loses none.
    await eventually(async () => (await played()).events.length === 2 || undefined, {
      description: "the session's first events in the store",
    });
    const mark = b.process.logs.mark();
    await a.process.kill();
    await shell.exited;
    await b.process.logs.waitFor(
      (e) => e.msg === ORPHANS_ENDED,
      "B to end the recording of A's session",
      30_000,
      mark,
    );
    expectEndedForStoppedReplica(await played(), "before A died");
    // A new replica in A's place, for what follows.
    a = await replica();
    await tunnelFrom(a, "ha");
  });
});

describe("the database stopped", () => {
  it("makes both replicas not ready, answers kubectl 503 naming the store, and recovers", async () => {
    const kubeconfig = await userKubeconfig(a, scratch, "eve", "viewer");
    // With its discovery cached, as a user's kubectl has: a cold one prints only client-go's
    // generic 503 text for the discovery request.
    const warm = await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
    expect(warm.exitCode, warm.stderr).toBe(0);
    await postgres.pause();
    try {
      for (const hub of [a, b]) {
        const ready = await readyz(hub);
        expect(ready.status).toBe(503);
        expect(ready.body).toContain("PostgreSQL");
      }
      const refused = await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stderr).toMatch(/store \(PostgreSQL .*\) is unreachable/);
    } finally {
      await postgres.resume();
    }
    for (const hub of [a, b]) {
      await eventually(async () => (await readyz(hub)).status === 200, {
        description: "the replica ready again",
      });
    }
    const served = await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
    expect(served.exitCode, served.stderr).toBe(0);
  });
});
