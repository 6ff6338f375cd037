import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { TestCluster } from "../k8s/index.js";
import { agentNamespace, type AgentNamespace } from "./agent-in-cluster.js";
import type { TestHub } from "./test-hub.js";

/** What the Helm chart's ClusterRole gives the agent for proxying: impersonation only. */
export async function grantImpersonation(
  cluster: TestCluster,
  where: AgentNamespace,
): Promise<void> {
  const name = cluster.uniqueName("warren-agent-impersonate");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name },
      rules: [
        {
          apiGroups: [""],
          resources: ["users", "groups", "serviceaccounts"],
          verbs: ["impersonate"],
        },
      ],
    },
  });
  await cluster.rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name: "warren-agent", namespace: where.namespace }],
    },
  });
}

/** An agent namespace whose ServiceAccount may keep its state and impersonate. */
export async function proxyAgentNamespace(
  cluster: TestCluster,
  prefix: string,
): Promise<AgentNamespace> {
  const where = await agentNamespace(cluster, prefix);
  await grantImpersonation(cluster, where);
  return where;
}

/** Binds a ClusterRole (or a Role of the namespace) to a Kubernetes group in one namespace. */
export async function bindGroup(
  cluster: TestCluster,
  namespace: string,
  group: string,
  role: string,
  kind: "ClusterRole" | "Role" = "ClusterRole",
): Promise<void> {
  const name = cluster.uniqueName(`${group}-${role}`);
  await cluster.rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
    },
  });
}

/** Applies a role document through warrenctl create -f. */
export async function applyRole(
  hub: TestHub,
  dir: string,
  name: string,
  yaml: string,
): Promise<void> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, yaml);
  const result = await hub.warrenctl("create", "-f", path);
  if (result.code !== 0) throw new Error(`warrenctl create -f ${path} failed: ${result.stderr}`);
}

/** Adds a user and writes their kubeconfig; returns its path. */
export async function userKubeconfig(
  hub: TestHub,
  dir: string,
  user: string,
  roles: string,
  ...signFlags: string[]
): Promise<string> {
  const added = await hub.warrenctl("users", "add", user, "--roles", roles);
  if (added.code !== 0) throw new Error(`warrenctl users add ${user} failed: ${added.stderr}`);
  const out = join(dir, `${user}.kubeconfig`);
  const signed = await hub.warrenctl(
    "auth",
    "sign",
    "--user",
    user,
    "--format",
    "kubernetes",
    "--out",
    out,
    ...signFlags,
  );
  if (signed.code !== 0)
    throw new Error(`warrenctl auth sign --user ${user} failed: ${signed.stderr}`);
  return out;
}
