// charts/kube-agent rendered by the real helm: lint, the schema, the defaults and each option
// (and, for what depends on the cluster, against the real API server).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { agentNamespace } from "../support/agent-in-cluster.js";
import { frontForAgent } from "../support/api-server-front.js";
import {
  containerOf,
  Helm,
  KUBE_AGENT_CHART,
  one,
  podOf,
  setFlags,
  type Manifest,
} from "../support/helm.js";

const REQUIRED = { hubAddr: "hub.example.com:3025", kubeClusterName: "prod-eu", authToken: "t0k" };
const PIN = `sha256:${"ab".repeat(32)}`;

let scratch: string;
let helm: Helm;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "chart-render-"));
  helm = new Helm(inject("k8sBinaries").helm, join(scratch, "helm"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const render = (values: Record<string, string | number | boolean> = {}) =>
  helm.template("warren-agent", "warren", { ...REQUIRED, ...values });

const container = (manifests: Manifest[]) => containerOf(one(manifests, "StatefulSet"));
const pod = (manifests: Manifest[]) => podOf(one(manifests, "StatefulSet"));

const envOf = (manifests: Manifest[]) =>
  Object.fromEntries(container(manifests).env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe("helm lint and the values schema", () => {
  it("lints clean with the required values", async () => {
    const linted = await helm.run(["lint", KUBE_AGENT_CHART, ...setFlags(REQUIRED)]);
    expect(linted.stdout).toContain("1 chart(s) linted, 0 chart(s) failed");
    expect(linted.exitCode).toBe(0);
  });

  it("names each missing value", async () => {
    const missing = await helm.run(["template", "w", KUBE_AGENT_CHART]);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain("missing properties 'hubAddr', 'kubeClusterName'");
    expect(missing.stderr).toContain("at '/authToken'");
  });

  it("refuses a malformed hub address, cluster name or CA pin, naming it", async () => {
    const bad = await helm.run([
      "template",
      "w",
      KUBE_AGENT_CHART,
      ...setFlags({ ...REQUIRED, hubAddr: "no-port", kubeClusterName: "Prod!", caPin: "md5:x" }),
    ]);
    expect(bad.exitCode).not.toBe(0);
    for (const value of ["/hubAddr", "/kubeClusterName", "/caPin"])
      expect(bad.stderr).toContain(`at '${value}'`);
  });
});

describe("the default rendering", () => {
  it("runs a StatefulSet told its pod's name and namespace, probed on the diagnostics port", async () => {
    const manifests = await render();
    const sts = one(manifests, "StatefulSet", "warren-agent");
    expect(sts.spec?.replicas).toBe(1);
    expect(podOf(sts).serviceAccountName).toBe("warren-agent");
    const env = envOf(manifests);
    expect(env.POD_NAME).toEqual({ fieldRef: { fieldPath: "metadata.name" } });
    expect(env.POD_NAMESPACE).toEqual({ fieldRef: { fieldPath: "metadata.namespace" } });
    // Where it runs, for doctor's fixes: the StatefulSet, the release, the chart's version.
    expect([env.WARREN_STATEFULSET, env.WARREN_HELM_RELEASE, env.WARREN_CHART_VERSION]).toEqual([
      "warren-agent",
      "warren-agent",
      "0.1.0",
    ]);
    expect(env.WARREN_HUB_ADDR).toBe("hub.example.com:3025");
    expect(env.WARREN_CLUSTER_NAME).toBe("prod-eu");
    expect(env.WARREN_JOIN_TOKEN_FILE).toBe("/var/run/warren/join-token/auth-token");
    expect(env.WARREN_CA_PIN).toBeUndefined();
    const agent = container(manifests);
    expect(agent.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "diagnostics" });
    expect(agent.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "diagnostics" });
    expect(agent.image).toBe("ghcr.io/warren-dev/warren-agent:0.1.0");
  });

  it("runs non-root on a read-only root filesystem with no capabilities and RuntimeDefault seccomp", async () => {
    const manifests = await render();
    expect(pod(manifests).securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container(manifests).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("grants exactly what the agent needs, and keeps the token in a Secret", async () => {
    const manifests = await render();
    expect(one(manifests, "ClusterRole").rules).toEqual([
      {
        apiGroups: [""],
        resources: ["users", "groups", "serviceaccounts"],
        verbs: ["impersonate"],
      },
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      {
        apiGroups: ["authorization.k8s.io"],
        resources: ["selfsubjectaccessreviews"],
        verbs: ["create"],
      },
    ]);
    expect(one(manifests, "Role", "warren-agent-state").rules).toEqual([
      { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
      {
        apiGroups: [""],
        resources: ["secrets"],
        resourceNames: ["warren-agent-0-state"],
        verbs: ["get", "update", "patch"],
      },
    ]);
    const three = await render({ replicaCount: 3 });
    expect(one(three, "Role", "warren-agent-state").rules).toContainEqual(
      expect.objectContaining({
        resourceNames: ["warren-agent-0-state", "warren-agent-1-state", "warren-agent-2-state"],
      }),
    );
    expect(one(manifests, "ClusterRoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "warren-agent", namespace: "warren" },
    ]);
    expect(one(manifests, "Secret").stringData).toEqual({ "auth-token": "t0k" });
    expect(manifests.filter((m) => m.kind === "PodDisruptionBudget")).toEqual([]);
  });

  it("removes the -state Secrets after uninstall with a hook of its own, limited to secrets", async () => {
    const manifests = await render();
    const job = one(manifests, "Job", "warren-agent-cleanup");
    expect(job.metadata.annotations?.["helm.sh/hook"]).toBe("post-delete");
    expect(containerOf(job).args).toEqual(["delete-state", "--statefulset", "warren-agent"]);
    expect(one(manifests, "Role", "warren-agent-cleanup").rules).toEqual([
      { apiGroups: [""], resources: ["secrets"], verbs: ["list", "delete"] },
    ]);
  });
});

describe("each option", () => {
  it("joinTokenSecret: reads the token from an existing Secret instead", async () => {
    const manifests = await render({
      authToken: "",
      "joinTokenSecret.create": false,
      "joinTokenSecret.name": "my-token",
    });
    expect(manifests.filter((m) => m.kind === "Secret")).toEqual([]);
    const volumes = pod(manifests).volumes ?? [];
    expect(volumes.find((v) => v.name === "join-token")?.secret?.secretName).toBe("my-token");
  });

  it("joinParams.method=kubernetes: a projected token for the hub, no Secret, and the schema wants both names", async () => {
    const manifests = await render({
      authToken: "",
      "joinParams.method": "kubernetes",
      "joinParams.tokenName": "edge-agents",
      "joinParams.audience": "hub.example.com",
    });
    expect(manifests.filter((m) => m.kind === "Secret")).toEqual([]);
    expect(envOf(manifests)).toMatchObject({
      WARREN_PROVISION_TOKEN: "edge-agents",
      WARREN_JOIN_TOKEN_FILE: "/var/run/warren/sa-token/token",
    });
    const volume = (pod(manifests).volumes ?? []).find((v) => v.name === "join-token");
    expect(volume?.projected?.sources).toEqual([
      {
        serviceAccountToken: { path: "token", audience: "hub.example.com", expirationSeconds: 600 },
      },
    ]);
    const missing = await helm.run([
      "template",
      "a",
      KUBE_AGENT_CHART,
      ...setFlags({ ...REQUIRED, "joinParams.method": "kubernetes" }),
    ]);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain("at '/joinParams/tokenName': minLength: got 0, want 1");
    expect(missing.stderr).toContain("at '/joinParams/audience': minLength: got 0, want 1");
  });

  it("caPin, labels and replicaCount reach the agent", async () => {
    const manifests = await render({
      caPin: PIN,
      "labels.env": "dev",
      "labels.team": "platform",
      replicaCount: 3,
    });
    const env = envOf(manifests);
    expect(env.WARREN_CA_PIN).toBe(PIN);
    expect(env.WARREN_LABELS).toBe("env=dev,team=platform");
    expect(one(manifests, "StatefulSet").spec?.replicas).toBe(3);
  });

  it("rbac.create=false and serviceAccount.create=false leave RBAC and the account to you", async () => {
    const manifests = await render({
      "rbac.create": false,
      "serviceAccount.create": false,
      "serviceAccount.name": "mine",
    });
    const kinds = manifests
      .filter((m) => !m.metadata.annotations?.["helm.sh/hook"])
      .map((m) => m.kind);
    for (const kind of [
      "ClusterRole",
      "ClusterRoleBinding",
      "Role",
      "RoleBinding",
      "ServiceAccount",
    ])
      expect(kinds).not.toContain(kind);
    expect(pod(manifests).serviceAccountName).toBe("mine");
  });

  it("adminClusterRoleBinding: gives a named group cluster-admin (GKE Autopilot)", async () => {
    const manifests = await render({
      "adminClusterRoleBinding.create": true,
      "adminClusterRoleBinding.name": "warren-admins",
    });
    const binding = one(manifests, "ClusterRoleBinding", "warren-agent-warren-admin-group");
    expect(binding.roleRef).toMatchObject({ kind: "ClusterRole", name: "cluster-admin" });
    expect(binding.subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "warren-admins" },
    ]);
  });

  it("adminClusterRoleBinding: made by itself on GKE, and only there", async () => {
    const kinds = (manifests: Manifest[]) => manifests.map((m) => m.kind);
    expect(kinds(await render({ "rbac.create": false }))).not.toContain("ClusterRoleBinding");
    // helm learns the version from the cluster it renders for (--validate); here GKE's.
    const cluster = await TestCluster.load(inject("k8sDir"));
    const { front, where } = await frontForAgent(
      cluster,
      await agentNamespace(cluster, "gke-render"),
      scratch,
    );
    front.mode = "autopilot";
    // helm reads each object it would make (none exist): the account may read them all.
    const reader = cluster.uniqueName("gke-render");
    await cluster.rbac.createClusterRoleBinding({
      body: {
        metadata: { name: reader },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "cluster-admin",
        },
        subjects: [{ kind: "ServiceAccount", name: "warren-agent", namespace: where.namespace }],
      },
    });
    try {
      const onGke = new Helm(
        inject("k8sBinaries").helm,
        join(scratch, "helm-gke"),
        where.kubeconfig,
      );
      const gke = await onGke.template(
        "warren-agent",
        "warren",
        { ...REQUIRED, "rbac.create": false },
        undefined,
        ["--validate"],
      );
      const binding = one(gke, "ClusterRoleBinding", "warren-agent-warren-admin-group");
      expect(binding.subjects).toEqual([
        { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "cluster-admin" },
      ]);
    } finally {
      await cluster.rbac.deleteClusterRoleBinding({ name: reader });
      await front.stop();
    }
  });

  it("image, resources and the security contexts are yours to set", async () => {
    const manifests = await render({
      "image.repository": "registry.local/agent",
      "image.tag": "9.9.9",
      "resources.limits.memory": "1Gi",
      "podSecurityContext.runAsUser": 1234,
      "securityContext.readOnlyRootFilesystem": false,
    });
    const agent = container(manifests);
    expect(agent.image).toBe("registry.local/agent:9.9.9");
    expect(agent.resources).toMatchObject({ limits: { memory: "1Gi" } });
    expect(agent.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(pod(manifests).securityContext?.runAsUser).toBe(1234);
  });

  it("podDisruptionBudget, extraEnv and extraLabels", async () => {
    const manifests = await render({
      "podDisruptionBudget.enabled": true,
      "extraEnv[0].name": "HTTPS_PROXY",
      "extraEnv[0].value": "http://proxy:3128",
      "extraLabels.cost-center": "42",
    });
    expect(one(manifests, "PodDisruptionBudget").spec).toMatchObject({ minAvailable: 1 });
    expect(envOf(manifests).HTTPS_PROXY).toBe("http://proxy:3128");
    for (const manifest of manifests) expect(manifest.metadata.labels?.["cost-center"]).toBe("42");
  });
});
