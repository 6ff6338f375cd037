import { isIP } from "node:net";

import { generateKeyPair, issueCertificate, type CertificateAuthority } from "@warren/pki";

import type { Clock } from "../clock.js";

const SERVER_CERTIFICATE_VALIDITY_MS = 365 * 24 * 3_600_000;

export interface ServerIdentity {
  /** The server certificate followed by the CA, so clients can see which CA signed it. */
  certificateChainPem: string;
  privateKeyPem: string;
}

/**
 * A fresh key and serving certificate for every name the hub is reached by, made at each
 * start (it is cheap, and names may have changed).
 */
export async function issueServerIdentity(
  ca: CertificateAuthority,
  names: readonly string[],
  clock: Clock,
): Promise<ServerIdentity> {
  const keys = await generateKeyPair();
  const unique = [...new Set(names)];
  const certificatePem = issueCertificate({
    ca,
    publicKeyPem: keys.publicKeyPem,
    subject: { commonName: unique[0] ?? "warren-hub" },
    dnsNames: unique.filter((name) => isIP(name) === 0),
    ipAddresses: unique.filter((name) => isIP(name) !== 0),
    usages: ["serverAuth"],
    validityMs: SERVER_CERTIFICATE_VALIDITY_MS,
    now: clock.now(),
  });
  return {
    certificateChainPem: certificatePem + ca.certificatePem,
    privateKeyPem: keys.privateKeyPem,
  };
}
