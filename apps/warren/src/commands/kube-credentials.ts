import type { Command } from "../command.js";
import { invalidFlag } from "../errors.js";
import { freshCertificate } from "../fresh-certificate.js";
import { requiredStringFlag } from "../flag-values.js";
import { parseHubAddr } from "../hub-addr.js";
import { requireProfile } from "../profile/user-profile.js";

/**
 * kubectl's exec credential plugin (client.authentication.k8s.io/v1): the login's certificate,
 * renewed while the login lasts. kubectl shows what this prints on stderr when it fails.
 */
export const kubeCredentials: Command = {
  words: ["kube", "credentials"],
  summary: "print the certificate kubectl needs (used by kubeconfigs from warren kube login)",
  flags: { hub: { type: "string" }, cluster: { type: "string" } },
  flagHelp: [
    "--hub HOST:PORT      the hub (required)",
    "--cluster NAME       the cluster (for messages)",
  ],
  async run(context, flags) {
    const hubAddr = parseHubAddr(
      requiredStringFlag(flags, "hub", "kubeconfigs from warren kube login name it"),
    );
    const info = context.env.KUBERNETES_EXEC_INFO;
    if (info !== undefined) {
      const apiVersion = (JSON.parse(info) as { apiVersion?: string }).apiVersion;
      if (apiVersion !== undefined && apiVersion !== "client.authentication.k8s.io/v1") {
        throw invalidFlag(
          `kubectl asked for ${apiVersion}; warren speaks client.authentication.k8s.io/v1`,
        );
      }
    }
    const profile = await freshCertificate(
      context.env,
      await requireProfile(context.env, hubAddr),
      context.now(),
    );
    const credential = {
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      status: {
        clientCertificateData: profile.certificatePem,
        clientKeyData: profile.privateKeyPem,
        // kubectl asks again after this: a renewal comes from here, not from a new login.
        expirationTimestamp: new Date(profile.certificateExpiresAtMs)
          .toISOString()
          .replace(/\.\d{3}Z$/, "Z"),
      },
    };
    context.stdout.write(`${JSON.stringify(credential)}\n`);
  },
};
