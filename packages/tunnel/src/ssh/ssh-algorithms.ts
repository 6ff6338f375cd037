import type { Algorithms } from "ssh2";

/**
 * AES-GCM first: with AES-NI it is the fastest authenticated cipher OpenSSL offers here, and
 * the tunnel carries bulk data (lists, logs, exec). No compression: it costs CPU on every byte
 * and makes throughput depend on the data.
 */
export const TUNNEL_ALGORITHMS: Algorithms = {
  cipher: ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr"],
  kex: ["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256"],
  // ECDSA first: the hub signs one handshake per agent, a tenth of RSA's cost (RSA stays for
  // a hub whose host key was made before).
  serverHostKey: ["ecdsa-sha2-nistp256", "rsa-sha2-256", "rsa-sha2-512"],
  compress: ["none"],
};
