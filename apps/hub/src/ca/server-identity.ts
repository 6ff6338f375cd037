import { isIP } from "node:net";

import { generateKeyPair, issueCertificate } from "@warren/pki";

import type { AuthorityView } from "./authority-state.js";

import type { Clock } from "../clock.js";

const SERVER_CERTIFICATE_VALIDITY_MS = 365 * 24 * 3_600_000;

export interface ServerIdentity {
  /**
   * The server certificate followed by its CA (cross-certified by the previous CA after a
   * rotation), so clients can see which CA signed it.
   */
  certificateChainPem: string;
  privateKeyPem: string;
}

/**
 * A fresh key and serving certificate for every name the hub is reached by, made at each
 * start (it is cheap, and names may have changed).
 */
export async function issueServerIdentity(
  view: Pick<AuthorityView, "serverIssuer" | "servingChainTail">,
  names: readonly string[],
  clock: Clock,
): Promise<ServerIdentity> {
  const keys = await generateKeyPair();
  const unique = [...new Set(names)];
  const certificatePem = issueCertificate({
    ca: view.serverIssuer,
    publicKeyPem: keys.publicKeyPem,
    subject: { commonName: unique[0] ?? "warren-hub" },
    dnsNames: unique.filter((name) => isIP(name) === 0),
    ipAddresses: unique.filter((name) => isIP(name) !== 0),
    usages: ["serverAuth"],
    validityMs: SERVER_CERTIFICATE_VALIDITY_MS,
    now: clock.now(),
  });
  return {
    certificateChainPem: certificatePem + view.servingChainTail,
    privateKeyPem: keys.privateKeyPem,
  };
}
