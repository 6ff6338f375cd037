import type { Algorithms } from "ssh2";

/**
 * AES-GCM first: with AES-NI it is the fastest authenticated cipher OpenSSL offers here, and
 * the tunnel carries bulk data (lists, logs, exec). No compression: it costs CPU on every byte
 * and makes throughput depend on the data.
 */
export const TUNNEL_ALGORITHMS: Algorithms = {
  cipher: ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr"],
  kex: ["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256"],
  serverHostKey: ["rsa-sha2-256", "rsa-sha2-512"],
  compress: ["none"],
};
