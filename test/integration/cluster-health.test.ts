// The agent's health checks against the real API server: each state reproduced, reported to
// the hub, logged once when it changes, and back to healthy when fixed. A TLS front relays to
// the API server so that it can also go down, fail /readyz or refuse SelfSubjectAccessReviews.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { agentNamespace, type AgentNamespace } from "../support/agent-in-cluster.js";
import { frontForAgent, type ApiServerFront } from "../support/api-server-front.js";
import { eventually } from "../support/eventually.js";
import type { LogEntry } from "../support/process-logs.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import type { WarrenProcess } from "../support/warren-process.js";

let cluster: TestCluster;
let hub: TestHub;
let front: ApiServerFront;
let agent: WarrenProcess;
let where: AgentNamespace;
let diagnostics: string;
let scratch: string;
const roleName = "warren-health-test-agent";
const warren = new WarrenFixtures();

async function bindAgentRole(): Promise<void> {
  await cluster.rbac.createClusterRoleBinding({
    body: {
      metadata: { name: roleName },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
      subjects: [{ kind: "ServiceAccount", name: "warren-agent", namespace: where.namespace }],
    },
  });
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "cluster-health-"));
  hub = await warren.hub();
  where = await agentNamespace(cluster, "health-agent");
  // What the kube-agent chart's ClusterRole grants.
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: roleName },
      rules: [
        {
          apiGroups: [""],
          resources: ["users", "groups", "serviceaccounts"],
          verbs: ["impersonate"],
        },
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      ],
    },
  });
  await bindAgentRole();
  const behind = await frontForAgent(cluster, where, scratch);
  front = behind.front;
  agent = warren.agent({
    hubAddr: hub.addr,
    clusterName: "watched",
    podName: "warren-agent-0",
    where: behind.where,
    token: await warren.token(hub, "watched"),
    env: { WARREN_HEALTH_CHECK_INTERVAL: "200ms" },
  });
  diagnostics = String((await agent.logs.waitForMessage("diagnostics listening")).addr);
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await front.stop();
  await cluster.rbac.deleteClusterRole({ name: roleName });
  await cluster.rbac.deleteClusterRoleBinding({ name: roleName }).catch(() => undefined);
  await rm(scratch, { recursive: true, force: true });
});

let mark = 0;
let current: unknown;
/**
 * The next change of health the agent logs to another state, which must be `state`. RBAC
 * can change between the reviews of one check, so a change within a state (a shorter list
 * of missing permissions) is a real log line, passed over here.
 */
async function nextChange(state: string): Promise<LogEntry> {
  const entry = await agent.logs.waitFor(
    (e) => e.msg === "cluster health changed" && e.state !== current,
    `a change of health to ${state}`,
    undefined,
    mark,
  );
  mark = agent.logs.entries.indexOf(entry) + 1;
  current = entry.state;
  expect(entry.state).toBe(state);
  return entry;
}

/** The first change logged since `from` that says all of the agent's permissions are missing. */
const allMissing = (from: number) =>
  agent.logs.waitFor(
    (e) => e.msg === "cluster health changed" && Array.isArray(e.missing) && e.missing.length === 4,
    "all four permissions missing",
    undefined,
    from,
  );

/**
 * What warrenctl clusters ls --format json shows of the agent's health, once it is `state`
 * with a reason that contains `reasonPart`.
 */
async function listedHealth(state: string, reasonPart = "") {
  return eventually(
    async () => {
      const listed = JSON.parse(
        (await hub.warrenctl("clusters", "ls", "--format", "json")).stdout,
      ) as {
        agents: { health: { state: string; reason: string } | null }[];
      }[];
      const health = listed[0]?.agents[0]?.health;
      return health?.state === state && health.reason.includes(reasonPart) ? health : undefined;
    },
    { description: `clusters ls showing ${state}` },
  );
}

const readyz = async () => (await fetch(`http://${diagnostics}/readyz`)).status;

describe("cluster health, as the agent checks it and the hub lists it", () => {
  it("is healthy with the chart's permissions, and the hub lists it so", async () => {
    await nextChange("healthy");
    expect((await listedHealth("healthy")).reason).toContain("healthy");
  });

  it("names each missing permission and the fix when the ClusterRoleBinding goes, then recovers", async () => {
    const from = mark;
    await cluster.rbac.deleteClusterRoleBinding({ name: roleName });
    await nextChange("missing_permissions");
    const missing = await allMissing(from);
    expect(missing.missing).toEqual([
      "impersonate users",
      "impersonate groups",
      "impersonate serviceaccounts",
      "get pods",
    ]);
    expect(String(missing.reason)).toContain("rbac.create=true");
    await listedHealth("missing_permissions", "impersonate users");
    expect(await readyz()).toBe(503);
    await bindAgentRole();
    await nextChange("healthy");
  });

  it("reports /readyz's status with its verbose detail when the API server is not ready", async () => {
    front.mode = "readyz-failing";
    const unhealthy = await nextChange("unhealthy_status");
    expect(unhealthy.statusCode).toBe(500);
    expect(String(unhealthy.detail)).toContain("[-]etcd failed");
    front.mode = "pass";
    await nextChange("healthy");
  });

  it("says it cannot check permissions when SelfSubjectAccessReviews fail but /readyz is fine", async () => {
    front.mode = "ssar-forbidden";
    const unknown = await nextChange("cannot_check_permissions");
    expect(unknown.statusCode).toBe(403);
    expect(String(unknown.reason)).toContain("SelfSubjectAccessReview failed with 403");
    front.mode = "pass";
    await nextChange("healthy");
  });

  it("cannot contact a stopped API server (no HTTP status), and the text listing says why", async () => {
    await front.stop();
    const down = await nextChange("cannot_contact");
    expect(String(down.reason)).toContain(
      `cannot contact the Kubernetes API server at ${front.url}`,
    );
    await listedHealth("cannot_contact");
    const text = (await hub.warrenctl("clusters", "ls")).stdout;
    expect(text).toContain("cannot_contact");
    expect(text).toContain("Not healthy:");
    await front.start();
    await nextChange("healthy");
    expect(await readyz()).toBe(200);
  });

  it("logged each change once, though it checked many times in each state", () => {
    const changes = agent.logs.entries
      .filter((e) => e.msg === "cluster health changed")
      .map((e) => e.state)
      // A shorter list of missing permissions within one state is its own line (see nextChange).
      .filter((state, i, all) => state !== all[i - 1]);
    expect(changes).toEqual([
      "healthy",
      "missing_permissions",
      "healthy",
      "unhealthy_status",
      "healthy",
      "cannot_check_permissions",
      "healthy",
      "cannot_contact",
      "healthy",
    ]);
  });
});
