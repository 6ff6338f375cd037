import type { Algorithms } from "ssh2";

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
  // ECDSA accepted first, for a hub that moves to such a host key (it signs a handshake in a
  // tenth of RSA's time); hubs have RSA keys today (see tunnel-host-identity.ts).
  serverHostKey: ["ecdsa-sha2-nistp256", "rsa-sha2-256", "rsa-sha2-512"],
  compress: ["none"],
};
