import { writeFile } from "node:fs/promises";

export interface KubeconfigCredentials {
  /** Bearer token, e.g. a ServiceAccount token from the TokenRequest API. */
  token?: string;
  clientCertificatePem?: string;
  clientKeyPem?: string;
}

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  /** Names the user and the context. */
  userName: string;
  credentials: KubeconfigCredentials;
  clusterName?: string;
  namespace?: string;
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** A self-contained kubeconfig (everything embedded, no file references). */
export function buildKubeconfig(options: KubeconfigOptions): Record<string, unknown> {
  const clusterName = options.clusterName ?? "warren-test";
  const { token, clientCertificatePem, clientKeyPem } = options.credentials;
  const user: Record<string, string> = {};
  if (token !== undefined) user.token = token;
  if (clientCertificatePem !== undefined)
    user["client-certificate-data"] = base64(clientCertificatePem);
  if (clientKeyPem !== undefined) user["client-key-data"] = base64(clientKeyPem);
  const context: Record<string, string> = { cluster: clusterName, user: options.userName };
  if (options.namespace !== undefined) context.namespace = options.namespace;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: clusterName,
        cluster: { server: options.server, "certificate-authority-data": base64(options.caPem) },
      },
    ],
    users: [{ name: options.userName, user }],
    contexts: [{ name: options.userName, context }],
    "current-context": options.userName,
  };
}

/** Writes a kubeconfig readable only by its owner (it holds credentials). JSON is valid YAML. */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<string> {
  await writeFile(path, JSON.stringify(buildKubeconfig(options), null, 2) + "\n", { mode: 0o600 });
  return path;
}
