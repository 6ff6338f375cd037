import { createPublicKey } from "node:crypto";

import { generateEcKeyPair, issueCertificate, type CertificateAuthority } from "@warren/pki";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";

/**
 * ECDSA P-256: the hub signs each agent's handshake with it, and after a restart every agent
 * at once; RSA-2048 signing was a third of the hub's CPU in that storm. (The RSA key of older
 * hubs, kept as "tunnel-host-key", is no longer used: agents meet the new key, ask the hub,
 * and get its certificate.)
 */
export const TUNNEL_HOST_KEY_NAME = "tunnel-host-key-p256";
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
      privateKeyPem: (await generateEcKeyPair()).privateKeyPem,
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
