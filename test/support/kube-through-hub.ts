import { readFile, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { join } from "node:path";

import { parse } from "yaml";

import type { TestCluster } from "../k8s/index.js";
import { agentNamespace, type AgentNamespace } from "./agent-in-cluster.js";
import type { TestHub } from "./test-hub.js";
import type { WarrenFixtures } from "./warren-fixtures.js";
import type { WarrenProcess } from "./warren-process.js";

/** What the Helm chart's ClusterRole gives the agent for proxying: impersonation only. */
export async function grantImpersonation(
  cluster: TestCluster,
  where: AgentNamespace,
  more: { getPods?: boolean } = {},
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
        ...(more.getPods ? [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] : []),
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

/** An agent namespace with every permission the kube-agent chart grants: a healthy cluster. */
export async function chartAgentNamespace(
  cluster: TestCluster,
  prefix: string,
): Promise<AgentNamespace> {
  const where = await agentNamespace(cluster, prefix);
  await grantImpersonation(cluster, where, { getPods: true });
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
  const name = cluster.uniqueName(`${group}-${role}`.toLowerCase().replace(/[^a-z0-9.-]/g, "-"));
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

/** The hub's CA and the user's client certificate and key, from a kubeconfig auth sign wrote. */
export async function kubeconfigTls(
  kubeconfigPath: string,
): Promise<{ ca: string; cert: string; key: string }> {
  const config = parse(await readFile(kubeconfigPath, "utf8")) as {
    clusters: { cluster: { "certificate-authority-data": string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  };
  const decode = (b64: string | undefined) => Buffer.from(b64 ?? "", "base64").toString();
  return {
    ca: decode(config.clusters[0]?.cluster["certificate-authority-data"]),
    cert: decode(config.users[0]?.user["client-certificate-data"]),
    key: decode(config.users[0]?.user["client-key-data"]),
  };
}

/**
 * A request to `url` with the user's certificate from a kubeconfig and the given headers, as a
 * tool other than kubectl might send it; resolves with the status and body.
 */
export async function rawKubeRequest(
  url: string,
  kubeconfigPath: string,
  headers: Record<string, string>,
  /** The TLS server name to send (none for an IP address unless given). */
  servername?: string,
): Promise<{ status: number; body: string }> {
  const tls = await kubeconfigTls(kubeconfigPath);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, ...tls, ...(servername ? { servername } : {}) });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Lets a Kubernetes group do anything, so that only Warren's rules limit its members. */
export async function bindClusterAdmin(cluster: TestCluster, group: string): Promise<void> {
  await cluster.rbac.createClusterRoleBinding({
    body: {
      metadata: { name: cluster.uniqueName(`${group}-admin`) },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: "cluster-admin",
      },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
    },
  });
}

/** A Warren role granting one Kubernetes group on the clusters labelled env=`env`. */
export const groupRole = (name: string, group: string, env = "*") =>
  `kind: role\nmetadata: { name: ${name} }\nspec:\n  allow:\n    kubernetes_labels: { ${env === "*" ? '"*": "*"' : `env: ${env}`} }\n    kubernetes_groups: ["${group}"]\n`;

/**
 * An agent of cluster `clusterName` (labelled `env=…` by its token) whose ServiceAccount may
 * keep its state and impersonate, joined to `hub`; resolves once it is ready.
 */
export async function readyProxyAgent(
  warren: WarrenFixtures,
  cluster: TestCluster,
  hub: TestHub,
  clusterName: string,
  options: { env: string; agentEnv?: Record<string, string> },
): Promise<WarrenProcess> {
  const agent = warren.agent({
    hubAddr: hub.addr,
    clusterName,
    podName: "a-0",
    // Namespaces may not have dots; cluster names may.
    where: await proxyAgentNamespace(cluster, `${clusterName.replaceAll(".", "-")}-agent`),
    token: await warren.token(hub, clusterName, "--labels", `env=${options.env}`),
    env: options.agentEnv,
  });
  await agent.logs.waitForMessage("agent ready");
  return agent;
}

/**
 * A Warren role `role` whose members read `resources` in `namespace`, through a ClusterRole of
 * our own ("view" is aggregated, and no controller-manager runs here) bound to group `group`.
 */
export async function readerRole(
  hub: TestHub,
  dir: string,
  cluster: TestCluster,
  grant: { role: string; group: string; namespace: string; resources: string[] },
): Promise<void> {
  const clusterRole = cluster.uniqueName(`${grant.role}-reads`);
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: clusterRole },
      rules: [{ apiGroups: [""], resources: grant.resources, verbs: ["get", "list", "watch"] }],
    },
  });
  await bindGroup(cluster, grant.namespace, grant.group, clusterRole);
  await applyRole(hub, dir, grant.role, groupRole(grant.role, grant.group));
}

/** Lets Kubernetes group `group` exec into pods of `namespace` (WebSocket: get; SPDY: create). */
export async function bindExec(cluster: TestCluster, namespace: string, group: string) {
  const name = cluster.uniqueName("execer");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"] },
      ],
    },
  });
  await bindGroup(cluster, namespace, group, name);
}
