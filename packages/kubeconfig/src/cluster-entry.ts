export interface HubKubeEndpoint {
  /** https://host:port of the hub's kube endpoint. */
  kubeUrl: string;
  /** The hub's CA bundle (PEM). */
  caPems: readonly string[];
  /** Cluster C is reached with tls-server-name C.<kubeServerName>; empty on older hubs. */
  kubeServerName: string;
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/**
 * Where a cluster's requests go: the hub, the cluster chosen by TLS server name, so every
 * path works, raw ones included. The server URL keeps /k8s/<cluster> (the hub drops it) since
 * kubectl keys its discovery cache by that URL: one shared URL would mix clusters' APIs.
 */
export function kubeClusterEntry(
  endpoint: HubKubeEndpoint,
  cluster: string,
): Record<string, string> {
  const entry = {
    server: `${endpoint.kubeUrl}/k8s/${encodeURIComponent(cluster)}`,
    "certificate-authority-data": base64(endpoint.caPems.join("")),
  };
  // A hub before server-name routing knows only the path.
  if (endpoint.kubeServerName === "") return entry;
  return { ...entry, "tls-server-name": `${cluster}.${endpoint.kubeServerName}` };
}

/** Contexts, clusters and users for a hub's cluster C are all named <hubName>-<C>. */
export const kubeEntryName = (hubName: string, cluster: string): string => `${hubName}-${cluster}`;
