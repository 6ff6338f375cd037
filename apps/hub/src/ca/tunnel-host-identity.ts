import { createPublicKey } from "node:crypto";

import { generateKeyPair, issueCertificate, type CertificateAuthority } from "@warren/pki";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";

/**
 * RSA, though an ECDSA key would sign each agent's handshake in a tenth of the time: agents
 * of earlier versions offer only RSA host key algorithms and read only RSA certificates, so
 * they could not reach a hub upgraded before them. Moving needs TunnelInfo to carry a second
 * certificate while both are in use.
 */
export const TUNNEL_HOST_KEY_NAME = "tunnel-host-key";
const HOST_CERTIFICATE_VALIDITY_MS = 365 * 24 * 3_600_000;

export interface TunnelHostIdentity {
  privateKeyPem: string;
  /** Certifies the host key for agents, who trust the hub only through its CA. */
  certificatePem: string;
}

/**
 * The hub's SSH host key, made once and kept (agents should not see it change without
 * reason), and a certificate for it from the hub's CA, issued at each start.
 */
export async function ensureTunnelHostIdentity(
  store: HubStore,
  ca: CertificateAuthority,
  clock: Clock,
): Promise<TunnelHostIdentity> {
  const stored =
    (await store.keys.get(TUNNEL_HOST_KEY_NAME)) ??
    (await store.keys.initialize({
      name: TUNNEL_HOST_KEY_NAME,
      privateKeyPem: (await generateKeyPair()).privateKeyPem,
      createdAt: clock.now(),
    }));
  const publicKeyPem = createPublicKey(stored.privateKeyPem)
    .export({ type: "spki", format: "pem" })
    .toString();
  const certificatePem = issueCertificate({
    ca,
    publicKeyPem,
    subject: { commonName: "warren-hub tunnel host key" },
    usages: ["serverAuth"],
    validityMs: HOST_CERTIFICATE_VALIDITY_MS,
    now: clock.now(),
  });
  return { privateKeyPem: stored.privateKeyPem, certificatePem };
}
