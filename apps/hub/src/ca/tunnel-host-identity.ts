import { createPublicKey } from "node:crypto";

import {
  generateEd25519KeyPair,
  generateKeyPair,
  issueCertificate,
  type CertificateAuthority,
  type KeyPair,
} from "@warren/pki";
import type { TunnelInfo } from "@warren/proto";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";

/**
 * Two host keys. Ed25519 signs a handshake in a tenth of RSA-2048's time, and after a restart
 * the hub signs every agent's at once; agents that read TunnelInfo.host_certificate_pems offer
 * it first. RSA stays for agents of earlier versions, which read only host_certificate_pem and
 * offer ECDSA P-256 first, then RSA: the hub holds no P-256 key, so they are served with RSA.
 */
export const TUNNEL_HOST_KEY_NAME = "tunnel-host-key";
export const TUNNEL_ED25519_HOST_KEY_NAME = "tunnel-host-key-ed25519";
const HOST_CERTIFICATE_VALIDITY_MS = 365 * 24 * 3_600_000;

export interface TunnelHostKey {
  privateKeyPem: string;
  /** Certifies the host key for agents, who trust the hub only through its CA. */
  certificatePem: string;
}

export interface TunnelHostIdentity {
  /** What agents of earlier versions accept. */
  rsa: TunnelHostKey;
  ed25519: TunnelHostKey;
}

/**
 * The hub's SSH host keys, made once and kept (agents should not see them change without
 * reason), and certificates for them from the hub's CA, issued at each start.
 */
export async function ensureTunnelHostIdentity(
  store: HubStore,
  ca: CertificateAuthority,
  clock: Clock,
): Promise<TunnelHostIdentity> {
  const [rsa, ed25519] = await Promise.all([
    hostKey(store, ca, clock, TUNNEL_HOST_KEY_NAME, generateKeyPair),
    hostKey(store, ca, clock, TUNNEL_ED25519_HOST_KEY_NAME, generateEd25519KeyPair),
  ]);
  return { rsa, ed25519 };
}

async function hostKey(
  store: HubStore,
  ca: CertificateAuthority,
  clock: Clock,
  name: string,
  generate: () => Promise<KeyPair>,
): Promise<TunnelHostKey> {
  const stored =
    (await store.keys.get(name)) ??
    (await store.keys.initialize({
      name,
      privateKeyPem: (await generate()).privateKeyPem,
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

/** The host keys, in the order the SSH server takes them. */
export function hostKeyPems(identity: TunnelHostIdentity): string[] {
  return [identity.rsa.privateKeyPem, identity.ed25519.privateKeyPem];
}

/** What agents are told of the tunnel: where it is (set once bound) and its keys' certificates. */
export function tunnelInfo(identity: TunnelHostIdentity, addr = ""): TunnelInfo {
  return {
    addr,
    hostCertificatePem: identity.rsa.certificatePem,
    hostCertificatePems: [identity.rsa.certificatePem, identity.ed25519.certificatePem],
  };
}
