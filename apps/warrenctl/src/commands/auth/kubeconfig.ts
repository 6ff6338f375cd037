import { stringify } from "yaml";

export interface KubeconfigParts {
  kubeUrl: string;
  caPems: readonly string[];
  user: string;
  certificatePem: string;
  privateKeyPem: string;
  clusters: readonly string[];
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** A kubeconfig plain kubectl uses as is: one context per cluster, all through the hub. */
export function kubeconfigYaml(parts: KubeconfigParts): string {
  const userName = `warren-${parts.user}`;
  const ca = base64(parts.caPems.join(""));
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: parts.clusters.map((name) => ({
      name,
      cluster: {
        server: `${parts.kubeUrl}/k8s/${encodeURIComponent(name)}`,
        "certificate-authority-data": ca,
      },
    })),
    users: [
      {
        name: userName,
        user: {
          "client-certificate-data": base64(parts.certificatePem),
          "client-key-data": base64(parts.privateKeyPem),
        },
      },
    ],
    contexts: parts.clusters.map((name) => ({ name, context: { cluster: name, user: userName } })),
    "current-context": parts.clusters[0] ?? "",
  });
}
