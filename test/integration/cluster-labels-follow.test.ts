// A cluster's labels follow its agent's configuration (the chart's labels) under the keys its
// join token allows: no state reset, and the next request matches roles by the new labels.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import type { AgentNamespace } from "../support/agent-in-cluster.js";
import {
  applyRole,
  bindGroup,
  groupRole,
  proxyAgentNamespace,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import { withoutDetectedLabels } from "../support/detected-labels.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
let where: AgentNamespace;
let token: string;
const warren = new WarrenFixtures();

const agentWith = (labels: string) =>
  warren.agent({
    hubAddr: hub.addr,
    clusterName: "relabel",
    podName: "a-0",
    where,
    token,
    env: { WARREN_LABELS: labels },
  });

async function labelsOf(name: string): Promise<Record<string, string>> {
  const listed = await hub.warrenctl("clusters", "ls", "--format", "json");
  const clusters = withoutDetectedLabels(
    JSON.parse(listed.stdout) as { name: string; labels: Record<string, string> }[],
  );
  return clusters.find((c) => c.name === name)?.labels ?? {};
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "labels-follow-"));
  hub = await warren.hub();
  appNs = await cluster.createNamespace("relabel-app");
  // Kubernetes lets the group read pods; Warren's role only on clusters labelled tier=gold.
  const reader = cluster.uniqueName("relabel-reader");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: reader },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
    },
  });
  await bindGroup(cluster, appNs, "relabel-readers", reader);
  await applyRole(
    hub,
    scratch,
    "gold",
    groupRole("gold", "relabel-readers").replace('{ "*": "*" }', "{ tier: gold }"),
  );
  where = await proxyAgentNamespace(cluster, "relabel");
  token = await warren.token(hub, "relabel", "--labels", "env=prod", "--agent-label-keys", "tier");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

describe("labels that follow the agent", () => {
  it("relabels the cluster when the agent's labels change, and RBAC follows", async () => {
    const first = agentWith("tier=gold");
    const ready = await first.logs.waitForMessage("agent ready");
    expect(await labelsOf("relabel")).toEqual({ env: "prod", tier: "gold" });
    const kubeconfig = await userKubeconfig(hub, scratch, "gil", "gold");
    const allowed = await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    await first.stop();

    // As a helm upgrade with another labels value restarts the pod: same state, new labels.
    // env is not the agent's to set (the token set it): asking for env=dev changes nothing.
    const after = hub.process.logs.mark();
    const second = agentWith("tier=silver,env=dev");
    const restarted = await second.logs.waitForMessage("agent ready");
    expect(restarted.agentId).toBe(ready.agentId);
    await hub.process.logs.waitFor(
      (e) => e.msg === "the cluster's labels follow its agent" && e.cluster === "relabel",
      "the hub following the agent's labels",
      30_000,
      after,
    );
    expect(await labelsOf("relabel")).toEqual({ env: "prod", tier: "silver" });
    const refused = await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("none matches its labels");
  });
});
