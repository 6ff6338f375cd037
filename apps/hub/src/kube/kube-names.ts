import { isIP } from "node:net";

/** The names kubeconfigs use for this hub: contexts `<hubName>-<cluster>`, SNI per cluster. */
export interface KubeNames {
  hubName: string;
  /** Cluster C is reached with the TLS server name `C.<kubeServerName>`. */
  kubeServerName: string;
}

const FALLBACK_HUB_NAME = "warren";

/**
 * The configured hub name, else the host people reach the hub at; an address (127.0.0.1) or
 * localhost says nothing about the hub, so those give "warren".
 */
export function resolveHubName(configured: string | undefined, publicHost: string): string {
  if (configured !== undefined) return configured;
  const host = publicHost.toLowerCase();
  if (isIP(host) !== 0 || host === "localhost" || !/^[a-z0-9.-]+$/.test(host)) {
    return FALLBACK_HUB_NAME;
  }
  return host;
}

/** The TLS server name a kubeconfig gives cluster `cluster`. */
export function clusterServerName(cluster: string, kubeServerName: string): string {
  return `${cluster}.${kubeServerName}`;
}

/** The cluster a TLS server name routes to, or undefined when it names none. */
export function clusterOfServerName(
  serverName: string | false | null | undefined,
  kubeServerName: string,
): string | undefined {
  if (!serverName) return undefined;
  const suffix = `.${kubeServerName}`;
  const name = serverName.toLowerCase();
  if (!name.endsWith(suffix) || name.length === suffix.length) return undefined;
  return name.slice(0, -suffix.length);
}
