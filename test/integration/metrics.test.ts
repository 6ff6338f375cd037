// /metrics of the hub and the agent, scraped and parsed after real kubectl traffic.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { eventually } from "../support/eventually.js";
import {
  applyRole,
  bindGroup,
  proxyAgentNamespace,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import { scrape, valueOf } from "../support/prometheus-text.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let agentMetrics: string;
let namespace: string;
let kubeconfig: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "metrics-"));
  hub = await warren.hub();
  const where = await proxyAgentNamespace(cluster, "metrics-agent");
  const agent = warren.agent({
    hubAddr: hub.addr,
    clusterName: "scraped",
    podName: "warren-agent-0",
    where,
    token: await warren.token(hub, "scraped"),
  });
  agentMetrics = `http://${String((await agent.logs.waitForMessage("diagnostics listening")).addr)}/metrics`;
  await agent.logs.waitForMessage("tunnel up");
  await agent.logs.waitForMessage("cluster health changed");
  namespace = await cluster.createNamespace("scraped");
  const reader = cluster.uniqueName("cm-reader");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: reader },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list"] }],
    },
  });
  await bindGroup(cluster, namespace, "scrapers", reader);
  await applyRole(
    hub,
    scratch,
    "scraper",
    'kind: role\nmetadata: { name: scraper }\nspec:\n  allow:\n    kubernetes_labels: { "*": "*" }\n    kubernetes_groups: ["scrapers"]\n',
  );
  kubeconfig = await userKubeconfig(hub, scratch, "sam", "scraper");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

describe("/metrics", () => {
  it("counts kubectl's requests through the hub and the agent by status, with latencies", async () => {
    const ok = await cluster.kubectl(["get", "configmaps", "-n", namespace], kubeconfig);
    expect(ok.exitCode).toBe(0);
    const denied = await cluster.kubectl(["get", "secrets", "-n", namespace], kubeconfig);
    expect(denied.stderr).toContain("Forbidden");
    const hubSamples = await eventually(
      async () => {
        const samples = await scrape(`${hub.metricsUrl}/metrics`);
        return (valueOf(samples, "warren_hub_kube_requests_total", {
          cluster: "scraped",
          code: "403",
        }) ?? 0) >= 1
          ? samples
          : undefined;
      },
      { description: "the hub counting the refused request" },
    );
    expect(
      valueOf(hubSamples, "warren_hub_kube_requests_total", { cluster: "scraped", code: "200" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(hubSamples, "warren_hub_kube_request_duration_seconds_count", { cluster: "scraped" }),
    ).toBeGreaterThanOrEqual(2);
    const agentSamples = await scrape(agentMetrics);
    expect(
      valueOf(agentSamples, "warren_agent_proxy_requests_total", { code: "200" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(agentSamples, "warren_agent_proxy_requests_total", { code: "403" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(agentSamples, "warren_agent_proxy_request_duration_seconds_count", { code: "200" }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("shows tunnels, health state and certificate expiry on both sides", async () => {
    const now = Date.now() / 1000;
    const hubSamples = await scrape(`${hub.metricsUrl}/metrics`);
    expect(valueOf(hubSamples, "warren_hub_tunnels", { cluster: "scraped" })).toBe(1);
    // The test grants impersonation only: the agent reports what it lacks.
    expect(
      valueOf(hubSamples, "warren_hub_cluster_health", {
        cluster: "scraped",
        state: "missing_permissions",
      }),
    ).toBe(1);
    expect(
      valueOf(hubSamples, "warren_hub_ca_certificate_expiry_timestamp_seconds"),
    ).toBeGreaterThan(now);
    expect(
      valueOf(hubSamples, "warren_hub_agent_certificate_expiry_timestamp_seconds", {
        cluster: "scraped",
      }),
    ).toBeGreaterThan(now);
    const agentSamples = await scrape(agentMetrics);
    expect(valueOf(agentSamples, "warren_agent_tunnel_up")).toBe(1);
    expect(valueOf(agentSamples, "warren_agent_tunnel_connects_total")).toBe(1);
    expect(
      valueOf(agentSamples, "warren_agent_cluster_health", { state: "missing_permissions" }),
    ).toBe(1);
    expect(valueOf(agentSamples, "warren_agent_cluster_health", { state: "healthy" })).toBe(0);
    expect(
      valueOf(agentSamples, "warren_agent_certificate_expiry_timestamp_seconds"),
    ).toBeGreaterThan(now);
    // Every relayed request has ended (a stream is counted until its call closes).
    await eventually(
      async () => valueOf(await scrape(agentMetrics), "warren_agent_proxy_streams") === 0,
      {
        description: "no stream in flight",
      },
    );
  });
});
