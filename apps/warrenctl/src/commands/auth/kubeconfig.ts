import { kubeClusterEntry, kubeEntryName } from "@warren/kubeconfig";
import { stringify } from "yaml";

export interface KubeconfigParts {
  kubeUrl: string;
  caPems: readonly string[];
  certificatePem: string;
  privateKeyPem: string;
  clusters: readonly string[];
  /** Entries are named <hubName>-<cluster>, so the file merges into ~/.kube/config. */
  hubName: string;
  /** Cluster C is reached with tls-server-name C.<kubeServerName>; empty on older hubs. */
  kubeServerName: string;
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/**
 * A kubeconfig plain kubectl uses as is: per cluster a context, cluster and user named
 * <hub>-<cluster>, all through the hub. Every user entry holds the same certificate: it is
 * the user's at this hub, not bound to a cluster, so a context added later for a new cluster
 * (another tls-server-name) works with it.
 */
export function kubeconfigYaml(parts: KubeconfigParts): string {
  const named = parts.clusters.map((cluster) => ({
    cluster,
    entry: kubeEntryName(parts.hubName, cluster),
  }));
  const credentials = {
    "client-certificate-data": base64(parts.certificatePem),
    "client-key-data": base64(parts.privateKeyPem),
  };
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: named.map(({ cluster, entry }) => ({
      name: entry,
      cluster: kubeClusterEntry(parts, cluster),
    })),
    users: named.map(({ entry }) => ({ name: entry, user: credentials })),
    contexts: named.map(({ entry }) => ({ name: entry, context: { cluster: entry, user: entry } })),
    "current-context": named[0]?.entry ?? "",
  });
}
