import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { V1Secret } from "@kubernetes/client-node";

import type { TestCluster } from "../k8s/index.js";
import { eventually } from "./eventually.js";
import { spawnWarren, type WarrenProcess } from "./warren-process.js";

/** The Role the Helm chart gives the agent for its state: nothing more. */
export const AGENT_SECRET_VERBS = ["create", "get", "update", "patch"];

export interface AgentNamespace {
  namespace: string;
  /** Authenticates as the agent's ServiceAccount, with a TokenRequest token. */
  kubeconfig: string;
}

/** A namespace with a ServiceAccount that may only create/get/update/patch Secrets in it. */
export async function agentNamespace(
  cluster: TestCluster,
  prefix: string,
): Promise<AgentNamespace> {
  const namespace = await cluster.createNamespace(prefix);
  const kubeconfig = await cluster.serviceAccountKubeconfig(namespace, "warren-agent");
  await cluster.rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: "warren-agent-state" },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: AGENT_SECRET_VERBS }],
    },
  });
  await cluster.rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: "warren-agent-state" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "warren-agent-state" },
      subjects: [{ kind: "ServiceAccount", name: "warren-agent", namespace }],
    },
  });
  await eventually(
    async () =>
      (await cluster.kubectl(["auth", "can-i", "create", "secrets"], kubeconfig)).stdout.trim() ===
      "yes",
    { description: "the agent's Role to take effect" },
  );
  return { namespace, kubeconfig };
}

export interface AgentOptions {
  hubAddr: string;
  clusterName: string;
  podName: string;
  where: AgentNamespace;
  token?: string;
  /** Write the token to a file the agent re-reads, so the test can change it later. */
  tokenFile?: string;
  env?: Record<string, string>;
  /** Flags after `warren-agent start`. */
  args?: string[];
}

export function spawnAgent(options: AgentOptions): WarrenProcess {
  return spawnWarren("agent", ["start", ...(options.args ?? [])], {
    WARREN_HUB_ADDR: options.hubAddr,
    WARREN_CLUSTER_NAME: options.clusterName,
    POD_NAME: options.podName,
    POD_NAMESPACE: options.where.namespace,
    KUBECONFIG: options.where.kubeconfig,
    WARREN_LOG_LEVEL: "debug",
    ...(options.token !== undefined ? { WARREN_JOIN_TOKEN: options.token } : {}),
    ...(options.tokenFile !== undefined ? { WARREN_JOIN_TOKEN_FILE: options.tokenFile } : {}),
    ...options.env,
  });
}

export async function writeTokenFile(dir: string, name: string, token: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return path;
}

/** The agent's state Secret decoded, or undefined if there is none. */
export async function readStateSecret(
  cluster: TestCluster,
  namespace: string,
  podName: string,
): Promise<{ secret: V1Secret; data: Record<string, string> } | undefined> {
  try {
    const secret = await cluster.core.readNamespacedSecret({ name: `${podName}-state`, namespace });
    const data = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v, "base64").toString("utf8"),
      ]),
    );
    return { secret, data };
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** Fails if any log holds a private key or one of the given secrets. */
export function expectNoSecretsInLogs(
  logs: readonly { text(): string }[],
  secrets: readonly string[],
): void {
  for (const log of logs) {
    const text = log.text();
    if (text.includes("PRIVATE KEY")) throw new Error("a log contains a private key");
    for (const secret of secrets) {
      if (secret && text.includes(secret))
        throw new Error(`a log contains the secret ${secret.slice(0, 12)}…`);
    }
  }
}
