import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

import type { KubeConfig } from "@kubernetes/client-node";

import { AgentError, AgentErrorCode } from "../errors.js";

/** Projected ServiceAccount tokens rotate; re-read the file this often. */
const TOKEN_FILE_REFRESH_MS = 60_000;

/** Where the agent's API server is and how the agent proves who it is there. */
export interface KubeTarget {
  url: URL;
  tls: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  /** The agent's own bearer token, if it authenticates with one. */
  bearerToken(): Promise<string | undefined>;
}

function fromBase64(data: string | undefined): string | undefined {
  return data === undefined ? undefined : Buffer.from(data, "base64").toString("utf8");
}

function fileOrData(data: string | undefined, file: string | undefined): string | undefined {
  if (data !== undefined) return fromBase64(data);
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new AgentError(
      AgentErrorCode.KubeconfigUnusable,
      `cannot read ${file}, which the kubeconfig names: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function tokenSource(kubeConfig: KubeConfig): () => Promise<string | undefined> {
  const user = kubeConfig.getCurrentUser();
  if (user?.token !== undefined) {
    const token = user.token;
    return () => Promise.resolve(token);
  }
  const tokenFile = (user?.authProvider as { config?: { tokenFile?: string } } | undefined)?.config
    ?.tokenFile;
  if (tokenFile === undefined) return () => Promise.resolve(undefined);
  let cached: { token: string; readAt: number } | undefined;
  return async () => {
    if (cached === undefined || Date.now() - cached.readAt > TOKEN_FILE_REFRESH_MS) {
      cached = { token: (await readFile(tokenFile, "utf8")).trim(), readAt: Date.now() };
    }
    return cached.token;
  };
}

/** The current context of a kubeconfig (or the in-cluster ServiceAccount) as a proxy target. */
export function kubeTargetFrom(kubeConfig: KubeConfig): KubeTarget {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new AgentError(
      AgentErrorCode.KubeconfigUnusable,
      "the kubeconfig has no current cluster: set current-context to the cluster to serve",
    );
  }
  const user = kubeConfig.getCurrentUser();
  return {
    url: new URL(cluster.server),
    tls: {
      ca: fileOrData(cluster.caData, cluster.caFile),
      cert: fileOrData(user?.certData, user?.certFile),
      key: fileOrData(user?.keyData, user?.keyFile),
      rejectUnauthorized: !cluster.skipTLSVerify,
    },
    bearerToken: tokenSource(kubeConfig),
  };
}
