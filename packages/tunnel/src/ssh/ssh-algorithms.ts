import type { Algorithms, ServerHostKeyAlgorithm } from "ssh2";

import { sshKeyType } from "./ssh-wire.js";

/**
 * Host key algorithms, fastest to sign first: the hub signs one handshake per agent, and
 * after a restart every agent's at once. Ed25519 signs in a tenth of RSA-2048's time, ECDSA
 * P-256 likewise. Agents of earlier versions offer ECDSA P-256 first and accept only the RSA
 * key, so the hub holds RSA and Ed25519 keys and never a P-256 one (tunnel-host-identity.ts).
 */
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "rsa-sha2-256",
  "rsa-sha2-512",
];

/**
 * AES-GCM first: with AES-NI it is the fastest authenticated cipher OpenSSL offers here, and
 * the tunnel carries bulk data (lists, logs, exec). No compression: it costs CPU on every byte
 * and makes throughput depend on the data.
 */
export const TUNNEL_ALGORITHMS: Algorithms = {
  cipher: ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr"],
  // P-256 first: ssh2 runs X25519 through OpenSSL 3's key decoder and encoder at each
  // handshake, twice the cost of P-256's ECDH (560 vs 264 µs here), on the hub for every
  // agent after a restart. Both are 128-bit secure.
  kex: ["ecdh-sha2-nistp256", "curve25519-sha256", "curve25519-sha256@libssh.org"],
  serverHostKey: HOST_KEY_ALGORITHMS,
  compress: ["none"],
};

/**
 * The host key algorithms an agent offers: only those of keys it accepts (SSH wire form),
 * fastest first, so the hub signs with a key the agent holds a certificate for.
 */
export function hostKeyAlgorithmsFor(keys: Buffer[]): ServerHostKeyAlgorithm[] {
  const types = new Set(keys.map(sshKeyType));
  return HOST_KEY_ALGORITHMS.filter((algorithm) =>
    types.has(algorithm.startsWith("rsa-sha2-") ? "ssh-rsa" : algorithm),
  );
}
