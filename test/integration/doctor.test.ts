// warrenctl doctor: each problem reproduced for real, found, and its fix printed.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { agentNamespace, type AgentNamespace } from "../support/agent-in-cluster.js";
import {
  AUTOPILOT_VERSION,
  frontForAgent,
  type ApiServerFront,
} from "../support/api-server-front.js";
import { eventually } from "../support/eventually.js";
import {
  applyRole,
  bindGroup,
  grantImpersonation,
  proxyAgentNamespace,
  rawKubeRequest,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let goodKubeconfig: string;
let front: ApiServerFront;
let sickWhere: AgentNamespace;
let getPodsRole: string;
let goneNamespace: string;
const warren = new WarrenFixtures();

/** An agent as the chart would run it: replica `replica` of Helm release `release`. */
async function agentFor(
  clusterName: string,
  where: { namespace: string; kubeconfig: string },
  placed: { release: string; replica?: number; token?: string } = { release: "warren-agent" },
) {
  const agent = warren.agent({
    hubAddr: hub.addr,
    clusterName,
    podName: `${placed.release}-${String(placed.replica ?? 0)}`,
    where,
    token: placed.token ?? (await warren.token(hub, clusterName)),
    env: {
      WARREN_STATEFULSET: placed.release,
      WARREN_HELM_RELEASE: placed.release,
      WARREN_CHART_VERSION: "0.1.0",
    },
  });
  await agent.logs.waitForMessage("cluster health changed");
  return agent;
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "doctor-"));
  hub = await warren.hub();
  // "fine": the chart's permissions. "sick": none beyond its Secret. "gone": joined, then stopped.
  const fine = await proxyAgentNamespace(cluster, "doctor-fine");
  const getPods = cluster.uniqueName("get-pods");
  getPodsRole = getPods;
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: getPods },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
    },
  });
  await cluster.rbac.createClusterRoleBinding({
    body: {
      metadata: { name: getPods },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: getPods },
      subjects: [{ kind: "ServiceAccount", name: "warren-agent", namespace: fine.namespace }],
    },
  });
  await agentFor("fine", fine);
  // "autopilot": every permission, but behind a front that refuses system:masters as GKE
  // Autopilot does (same ServiceAccount and ClusterRoleBinding as "fine").
  const behind = await frontForAgent(cluster, fine, scratch);
  front = behind.front;
  front.mode = "autopilot";
  const autopilot = warren.agent({
    hubAddr: hub.addr,
    clusterName: "autopilot",
    podName: "warren-agent-1",
    where: behind.where,
    token: await warren.token(hub, "autopilot"),
  });
  await autopilot.logs.waitForMessage("cluster health changed");
  sickWhere = await agentNamespace(cluster, "doctor-sick");
  // Not warren/warren-agent: doctor's fixes must name these.
  await agentFor("sick", sickWhere, { release: "edge-sick" });
  const goneWhere = await agentNamespace(cluster, "doctor-gone");
  goneNamespace = goneWhere.namespace;
  const goneToken = await warren.token(hub, "gone", "--uses", "2");
  const gone = [
    await agentFor("gone", goneWhere, { release: "edge-gone", token: goneToken }),
    await agentFor("gone", goneWhere, { release: "edge-gone", replica: 1, token: goneToken }),
  ];
  await Promise.all(gone.map((agent) => agent.stop()));
  await applyRole(
    hub,
    scratch,
    "viewer",
    'kind: role\nmetadata: { name: viewer }\nspec:\n  allow:\n    kubernetes_labels: { "*": "*" }\n    kubernetes_groups: ["viewers"]\n',
  );
  goodKubeconfig = await userKubeconfig(hub, scratch, "dot", "viewer", "--cluster", "fine");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await front.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe("warrenctl doctor", () => {
  it("sees what each API server says about its cluster, as labels roles match on", async () => {
    const direct = JSON.parse((await cluster.kubectl(["version", "-o", "json"])).stdout) as {
      serverVersion: { gitVersion: string };
    };
    const labelsOf = async (name: string) =>
      eventually(
        async () => {
          const listed = JSON.parse(
            (await hub.warrenctl("clusters", "ls", "--format", "json")).stdout,
          ) as { name: string; labels: Record<string, string> }[];
          const labels = listed.find((c) => c.name === name)?.labels ?? {};
          return "warren.dev/kubernetes-version" in labels && labels;
        },
        { description: `${name}'s detected labels` },
      );
    expect(await labelsOf("autopilot")).toEqual({
      "warren.dev/kubernetes-version": AUTOPILOT_VERSION,
      "warren.dev/provider": "gke",
      "warren.dev/gke-autopilot": "true",
    });
    expect(await labelsOf("fine")).toEqual({
      "warren.dev/kubernetes-version": direct.serverVersion.gitVersion.split("+")[0],
    });
  });

  it("finds a role that impersonates system:masters on a cluster that refuses it (GKE Autopilot)", async () => {
    await applyRole(
      hub,
      scratch,
      "admins",
      'kind: role\nmetadata: { name: admins }\nspec:\n  allow:\n    kubernetes_labels: { "*": "*" }\n    kubernetes_groups: ["system:masters"]\n',
    );
    try {
      const admin = await userKubeconfig(hub, scratch, "ada", "admins", "--cluster", "autopilot");
      // What every request of such a user meets (kubectl's discovery prints it as "unknown").
      const refused = await rawKubeRequest(`${hub.kubeUrl}/k8s/autopilot/api/v1/pods`, admin, {});
      expect(refused.status).toBe(403);
      const status = JSON.parse(refused.body) as { message: string };
      expect(status.message).toBe(
        'GKE Autopilot denies requests that impersonate "system:masters" group',
      );
      const result = await hub.warrenctl("doctor", "autopilot");
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        '✗ cluster "autopilot": it is GKE Autopilot (its agent detected ' +
          "warren.dev/gke-autopilot=true), which refuses impersonating system:masters, which " +
          'role(s) "admins" grant there, so their users get 403\n' +
          '  fix: give such clusters a role granting kubernetes_groups: ["cluster-admin"] (a ' +
          "group the agent chart binds to the cluster-admin ClusterRole by itself on GKE, and " +
          "with --set adminClusterRoleBinding.create=true elsewhere), and keep the " +
          "system:masters role(s) off them: kubernetes_labels_expression: " +
          '\'labels["warren.dev/gke-autopilot"] != "true"\'\n',
      );
      // The same role on a cluster that allows it is no problem.
      expect((await hub.warrenctl("doctor", "fine")).code).toBe(0);
      // The fix as printed: the role keeps off Autopilot by the detected label alone.
      await applyRole(
        hub,
        scratch,
        "admins",
        'kind: role\nmetadata: { name: admins }\nspec:\n  allow:\n    kubernetes_labels_expression: \'labels["warren.dev/gke-autopilot"] != "true"\'\n    kubernetes_groups: ["system:masters"]\n',
      );
      expect((await hub.warrenctl("doctor", "autopilot")).code).toBe(0);
      const after = await rawKubeRequest(`${hub.kubeUrl}/k8s/autopilot/api/v1/pods`, admin, {});
      expect(after.status).toBe(403);
      expect(after.body).toContain("none matches its labels");
    } finally {
      await hub.warrenctl("users", "rm", "ada");
      await hub.warrenctl("roles", "rm", "admins");
    }
  });

  it("names an unhealthy and an offline cluster with their fixes, and exits 1", async () => {
    const result = await hub.warrenctl("doctor");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✗ cluster "sick" \(agent [^)]+\): missing_permissions: the agent lacks impersonate users/,
    );
    const fixes = result.stdout.split("\n").filter((line) => line.startsWith("  fix: "));
    const sickNs = sickWhere.namespace;
    expect(fixes).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^  fix: helm upgrade edge-sick charts/kube-agent -n ${sickNs} --reuse-values ` +
            "--set rbac.create=true, or bind the agent's ServiceAccount to a ClusterRole " +
            "granting: [^()]+$",
        ),
      ),
    );
    expect(result.stdout).toContain('✗ cluster "gone": offline: none of its agents is connected');
    expect(fixes).toContain(
      `  fix: read the agent's log on that cluster (kubectl -n ${goneNamespace} logs ` +
        "statefulset/edge-gone); if it says the hub's CA changed, reset its identity: " +
        `kubectl -n ${goneNamespace} delete secret edge-gone-0-state edge-gone-1-state, then ` +
        `kubectl -n ${goneNamespace} rollout restart statefulset/edge-gone`,
    );
    expect(result.stdout).not.toContain('cluster "fine"');
    expect(result.stdout).toContain("2 problems found (4 cluster(s))");
    expect(result.stderr).toContain("doctor found 2 problem(s)");
  });

  it("checks one cluster when named, and says so when it is fine", async () => {
    const fine = await hub.warrenctl("doctor", "fine");
    expect(fine.code).toBe(0);
    expect(fine.stdout).toBe('No problems found (cluster "fine").\n');
    const sick = await hub.warrenctl("doctor", "sick", "--format", "json");
    const findings = JSON.parse(sick.stdout) as { subject: string }[];
    expect(findings.map((f) => f.subject)).toEqual([expect.stringMatching(/^cluster "sick"/)]);
    const unknown = await hub.warrenctl("doctor", "nowhere");
    expect(unknown.stderr).toContain('there is no cluster "nowhere" on this hub');
  });

  it("passes a kubeconfig warrenctl auth sign wrote", async () => {
    const result = await hub.warrenctl("doctor", "fine", "--kubeconfig", goodKubeconfig);
    expect(result.stdout).toBe(`No problems found (cluster "fine" and ${goodKubeconfig}).\n`);
  });

  it("finds a kubeconfig with a foreign CA and a server that is not the hub's", async () => {
    const config = parse(await readFile(goodKubeconfig, "utf8")) as {
      clusters: { cluster: Record<string, string> }[];
    };
    const first = config.clusters[0];
    if (!first) throw new Error("auth sign wrote no cluster");
    first.cluster["certificate-authority-data"] = Buffer.from(cluster.caPem).toString("base64");
    first.cluster.server = cluster.server;
    const broken = join(scratch, "broken.kubeconfig");
    await writeFile(broken, stringify(config));
    const result = await hub.warrenctl("doctor", "fine", "--kubeconfig", broken);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("its CA is not this hub's");
    expect(result.stdout).toContain(`its server ${cluster.server} is not this hub's kube endpoint`);
    // The rest, each with what kubectl prints: doctor-kubeconfig.test.ts.
  });

  it("finds an agent refused with a token minted for another cluster, and none whose token it never minted", async () => {
    const elsewhere = await warren.hub();
    const foreign = warren.dirAgent({
      hubAddr: hub.addr,
      clusterName: "moved",
      stateDir: join(scratch, "moved"),
      token: await warren.token(elsewhere, "moved"),
    });
    await foreign.logs.waitFor(
      (e) => String(e.msg).includes("is not known to this hub"),
      "the unknown token's refusal",
    );
    const token = await warren.token(hub, "intended");
    const tokenId = token.split(".")[1] ?? "";
    const misnamed = warren.dirAgent({
      hubAddr: hub.addr,
      clusterName: "wrong-name",
      stateDir: join(scratch, "wrong-name"),
      token,
      // Its release is not warren-agent; its namespace it does not say (no POD_NAMESPACE).
      env: { WARREN_HELM_RELEASE: "edge-misnamed", WARREN_STATEFULSET: "edge-misnamed" },
    });
    await misnamed.logs.waitFor(
      (e) => String(e.msg).includes('was minted for cluster "intended", not "wrong-name"'),
      "the misnamed join's refusal",
    );
    const result = await hub.warrenctl("doctor", "intended");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `✗ cluster "intended": an agent with join token ${tokenId}, minted for this cluster, ` +
          `asked to join as "wrong-name" and was refused \\(\\d+ time\\(s\\), last`,
      ),
    );
    expect(result.stdout).toContain(
      "  fix: if the agent is yours, set its cluster name to intended (helm upgrade edge-misnamed " +
        "charts/kube-agent -n warren --reuse-values --set kubeClusterName=intended); if not, " +
        `someone else holds the token: delete it with warrenctl tokens rm ${tokenId} ` +
        "(namespace, pod assumed from the chart's defaults: the agent did not say)\n",
    );
    // The caller of an unknown token chose every word of its join: doctor repeats none.
    const everything = await hub.warrenctl("doctor", "--format", "json");
    expect(everything.stdout).not.toContain("moved");
    expect(result.stdout).not.toContain(token);
    await Promise.all([foreign.stop(), misnamed.stop()]);
  });

  it("finds a role whose RBAC allows create but not get on pods/exec, until get is added", async () => {
    const namespace = await cluster.createNamespace("doctor-exec");
    const rbacRole = cluster.uniqueName("exec-create-only");
    const rules = (verbs: string[]) => [{ apiGroups: [""], resources: ["pods/exec"], verbs }];
    await cluster.rbac.createClusterRole({
      body: { metadata: { name: rbacRole }, rules: rules(["create"]) },
    });
    await bindGroup(cluster, namespace, "exec-creators", rbacRole);
    await applyRole(
      hub,
      scratch,
      "exec-creator",
      'kind: role\nmetadata: { name: exec-creator }\nspec:\n  allow:\n    kubernetes_labels: { "*": "*" }\n    kubernetes_groups: ["exec-creators"]\n',
    );
    try {
      const found = await hub.warrenctl("doctor", "fine", "--namespace", namespace);
      expect(found.code).toBe(1);
      expect(found.stdout).toContain(
        `✗ cluster "fine", role "exec-creator": its groups (exec-creators) may create pods/exec in namespace ${namespace} but not get it`,
      );
      expect(found.stdout).toContain('verbs: ["create", "get"]');
      await cluster.rbac.replaceClusterRole({
        name: rbacRole,
        body: { metadata: { name: rbacRole }, rules: rules(["create", "get"]) },
      });
      const fixed = await eventually(
        async () => {
          const again = await hub.warrenctl("doctor", "fine", "--namespace", namespace);
          return again.code === 0 ? again : undefined;
        },
        { description: "doctor passing once get is granted" },
      );
      expect(fixed.stdout).toBe('No problems found (cluster "fine").\n');
    } finally {
      await hub.warrenctl("roles", "rm", "exec-creator");
    }
  });

  it("checks health afresh: a cluster fixed a moment ago passes, long before its next period", async () => {
    // The agents here check every 30 s; doctor has them check now.
    await grantImpersonation(cluster, sickWhere);
    await cluster.rbac.createClusterRoleBinding({
      body: {
        metadata: { name: cluster.uniqueName("sick-get-pods") },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: getPodsRole },
        subjects: [
          { kind: "ServiceAccount", name: "warren-agent", namespace: sickWhere.namespace },
        ],
      },
    });
    const healed = await eventually(
      async () => {
        const result = await hub.warrenctl("doctor", "sick");
        return result.code === 0 ? result : undefined;
      },
      { description: "doctor finding sick healthy", timeoutMs: 10_000 },
    );
    expect(healed.stdout).toBe('No problems found (cluster "sick").\n');
  });
});
