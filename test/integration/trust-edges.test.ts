// Authenticate first, then record: what a caller without a certificate sends never becomes a
// metric label, an audit row or a log line of its own; and the small edges an attacker pokes
// at (bad encodings, idle handshakes, floods of requests, admin calls without a certificate).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { Agent, request } from "node:https";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { status } from "@grpc/grpc-js";
import { callUnary, hubChannel, isServiceError } from "@warren/hub-client";
import { AdminServiceClient } from "@warren/proto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { backgroundKubectl } from "../support/background-kubectl.js";
import {
  applyRole,
  bindGroup,
  groupRole,
  kubeconfigTls,
  rawKubeRequest,
  readyProxyAgent,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
let alice: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "trust-edges-"));
  hub = await warren.hub({ env: { WARREN_HUB_KUBE_MAX_IN_FLIGHT_PER_USER: "2" } });
  const agent = readyProxyAgent(warren, cluster, hub, "one", {
    env: "dev",
    agentEnv: { WARREN_UPSTREAM_MAX_REQUESTS: "3" },
  });
  const secret = warren.dirAgent({
    hubAddr: hub.addr,
    clusterName: "secret-project",
    stateDir: join(scratch, "secret-project"),
    token: await warren.token(hub, "secret-project", "--labels", "env=classified"),
  });
  appNs = await cluster.createNamespace("edges-app");
  const reader = cluster.uniqueName("edges-reader");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: reader },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    },
  });
  await bindGroup(cluster, appNs, "edge-readers", reader);
  await applyRole(hub, scratch, "reader", groupRole("reader", "edge-readers", "dev"));
  await Promise.all([agent, secret.logs.waitForMessage("tunnel up")]);
  alice = await userKubeconfig(hub, scratch, "alice", "reader");
  await cluster.kubectl(["create", "configmap", "listed", "-n", appNs]);
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

/**
 * The hub's own series, by name and labels: what a flood must not grow. Node's and the
 * process's (GC kinds appear as they first run) and the agents' health states (which change
 * when a check reports) move by themselves, so they are left out.
 */
async function hubSeries(): Promise<string[]> {
  const text = await (await fetch(`${hub.metricsUrl}/metrics`)).text();
  const ownSeries = /^warren_hub_(?!nodejs_|process_|cluster_health)/;
  return parsePrometheusText(text)
    .filter((sample) => ownSeries.test(sample.name))
    .map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`)
    .sort();
}

const auditCount = async (on: TestHub = hub) =>
  (
    JSON.parse(
      (await on.warrenctl("audit", "ls", "--limit", "10000", "--format", "json")).stdout,
    ) as unknown[]
  ).length;

/** `count` GETs to `path(i)`, `parallel` at a time over kept-alive connections; their statuses. */
async function flood(
  count: number,
  path: (i: number) => string,
  tls: { ca: string; cert?: string; key?: string },
  parallel = 50,
): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: parallel, ...tls });
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const code = await new Promise<number>((resolve, reject) => {
        const req = request(`${hub.kubeUrl}${path(i)}`, { agent }, (res) => {
          res.resume();
          res.on("end", () => {
            resolve(res.statusCode ?? 0);
          });
        });
        req.on("error", reject);
        req.end();
      });
      statuses.set(code, (statuses.get(code) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    agent.destroy();
  }
  return statuses;
}

describe("requests without a certificate", () => {
  it("to 10,000 random clusters leave the metric series and the audit log as they were", async () => {
    const { ca } = await kubeconfigTls(alice);
    const seriesBefore = await hubSeries();
    const rowsBefore = await auditCount();
    const mark = hub.process.logs.mark();
    const statuses = await flood(10_000, (i) => `/k8s/c${String(i)}-${"x".repeat(200)}/api`, {
      ca,
    });
    expect([...statuses]).toEqual([[401, 10_000]]);
    const seriesAfter = await hubSeries();
    expect(
      seriesAfter.filter((s) => !s.startsWith("warren_hub_kube_unauthenticated_total")),
    ).toEqual(seriesBefore.filter((s) => !s.startsWith("warren_hub_kube_unauthenticated_total")));
    expect(await auditCount()).toBe(rowsBefore);
    const lines = hub.process.logs.entries.slice(mark);
    expect(lines.filter((e) => String(e.msg).includes("unauthenticated")).length).toBeLessThan(10);
    expect(hub.process.logs.text()).not.toContain("c9999-");
  });

  it("with a bad escape in the path answer 401, and 400 once authenticated", async () => {
    const { ca } = await kubeconfigTls(alice);
    const anonymous = await flood(1, () => "/k8s/local%", { ca });
    expect([...anonymous]).toEqual([[401, 1]]);
    const signedIn = await rawKubeRequest(`${hub.kubeUrl}/k8s/local%`, alice, {});
    expect(signedIn.status).toBe(400);
    expect(signedIn.body).toContain("is not valid URL encoding");
  });
});

describe("an authenticated user", () => {
  it("reaching for unknown clusters shares one metric label, and learns no other cluster's name", async () => {
    const tls = await kubeconfigTls(alice);
    await flood(1, () => "/k8s/one/api", tls);
    await flood(50, (i) => `/k8s/nope-${String(i)}/api`, tls, 5);
    const clusters = new Set(
      (await hubSeries())
        .filter((s) => s.startsWith("warren_hub_kube_requests_total"))
        .map((s) => (JSON.parse(s.slice(s.indexOf("{"))) as { cluster: string }).cluster),
    );
    expect(clusters).toEqual(new Set(["one", "_unknown"]));
    const unknown = await rawKubeRequest(`${hub.kubeUrl}/k8s/nope/api`, alice, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain("(yours: one)");
    expect(unknown.body).not.toContain("secret-project");
    const denied = await rawKubeRequest(`${hub.kubeUrl}/k8s/secret-project/api`, alice, {});
    expect(denied.status).toBe(403);
    expect(denied.body).not.toContain("classified");
  });

  it("has at most kube_max_in_flight_per_user requests in flight, and an agent its own limit; more get 429", async () => {
    const bob = await userKubeconfig(hub, scratch, "bob", "reader");
    const configmaps = `${hub.kubeUrl}/k8s/one/api/v1/namespaces/${appNs}/configmaps`;
    const watches = [alice, alice, bob].map((kubeconfig) =>
      backgroundKubectl(cluster, kubeconfig, ["get", "configmaps", "-n", appNs, "--watch"]),
    );
    const mark = hub.process.logs.mark();
    try {
      await Promise.all(
        watches.map((w) =>
          w.stdout.waitFor((e) => (e.msg ?? "").startsWith("listed "), "the watch's list"),
        ),
      );
      // An event each watch prints proves its stream is open through the hub and the agent.
      const name = cluster.uniqueName("ping");
      await cluster.kubectl(["create", "configmap", name, "-n", appNs]);
      await Promise.all(
        watches.map((w) => w.stdout.waitFor((e) => (e.msg ?? "").startsWith(name), "the event")),
      );
      const third = await rawKubeRequest(configmaps, alice, {});
      expect(third.status).toBe(429);
      expect(third.body).toContain("user alice has 2 requests in flight through this hub");
      // Bob is within his share, but the agent has 3 requests open, its limit.
      const atAgent = await rawKubeRequest(configmaps, bob, {});
      expect(atAgent.status).toBe(429);
      expect(atAgent.body).toContain("the agent has 3 requests open to its API server");
    } finally {
      await Promise.all(watches.map((w) => w.stop()));
    }
    // Their sessions are over once the hub has audited their ends.
    await hub.process.logs.waitForCount(
      (e) => e.msg === "kube request" && e.verb === "watch",
      watches.length,
      "the watches' ends",
      mark,
    );
    expect((await rawKubeRequest(configmaps, alice, {})).status).toBe(200);
  });
});

describe("the admin API without an admin certificate", () => {
  it("answers UNAUTHENTICATED, naming what is missing", async () => {
    const profile = JSON.parse(
      await readFile(join(hub.dataDir, "admin", "profile.json"), "utf8"),
    ) as { caPem: string };
    const channel = hubChannel(hub.addr, { caPem: profile.caPem });
    const client = new AdminServiceClient(channel.target, channel.credentials, channel.options);
    try {
      const refusals = [
        callUnary(client.getHubInfo.bind(client), {}),
        callUnary(client.listJoinRefusals.bind(client), {}),
      ];
      for (const refused of refusals) {
        const error = await refused.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isServiceError(error) && error.code).toBe(status.UNAUTHENTICATED);
        expect(isServiceError(error) && error.details).toContain("no client certificate");
      }
    } finally {
      client.close();
    }
  });
});

describe("a TLS handshake that never comes", () => {
  it("is dropped after tls_handshake_timeout on the kube and the API port", async () => {
    // A hub of its own: so short a timeout would cut real handshakes on a busy machine.
    const impatient = await warren.hub({ env: { WARREN_HUB_TLS_HANDSHAKE_TIMEOUT: "300ms" } });
    const kubePort = Number(new URL(impatient.kubeUrl).port);
    for (const port of [kubePort, impatient.port]) {
      const socket = connect({ host: "127.0.0.1", port });
      await new Promise<void>((resolve) => {
        socket.once("close", () => {
          resolve();
        });
      });
      expect(socket.destroyed).toBe(true);
    }
  });
});

describe("audit events", () => {
  it("are pruned once older than audit_retention, at start and hourly after", async () => {
    const own = await warren.hub();
    expect((await own.warrenctl("tokens", "add", "--type", "kube", "--cluster", "c")).code).toBe(0);
    expect(await auditCount(own)).toBe(1);
    await own.process.stop();
    const again = await warren.hub({
      dataDir: own.dataDir,
      env: { WARREN_HUB_AUDIT_RETENTION: "1ms" },
    });
    await again.process.logs.waitForMessage("pruned audit events", { pruned: 1 });
    expect(await auditCount(again)).toBe(0);
  });
});
