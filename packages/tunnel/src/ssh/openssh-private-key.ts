import type { KeyObject } from "node:crypto";

import { sshString } from "./ssh-wire.js";

const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const END = "-----END OPENSSH PRIVATE KEY-----";

/**
 * An Ed25519 private key in OpenSSH's own format (PROTOCOL.key), unencrypted: the only form
 * in which ssh2 reads Ed25519 keys (it reads neither PKCS#8 nor any other PEM of them).
 */
export function openSshEd25519PrivateKey(key: KeyObject): string {
  const jwk = key.export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || jwk.d === undefined || jwk.x === undefined) {
    throw new Error("not an Ed25519 private key");
  }
  const seed = Buffer.from(jwk.d, "base64url");
  const publicKey = Buffer.from(jwk.x, "base64url");
  const type = sshString(Buffer.from("ssh-ed25519"));
  const publicBlob = Buffer.concat([type, sshString(publicKey)]);
  // Equal check words tell a reader it decrypted the section right; there is no cipher here.
  const check = Buffer.alloc(8);
  const unpadded = Buffer.concat([
    check,
    publicBlob,
    sshString(Buffer.concat([seed, publicKey])),
    sshString(Buffer.alloc(0)), // comment
  ]);
  // Padded with 1, 2, 3… to the cipher's block size, which is 8 for "none".
  const padding = Buffer.from(
    Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, i) => i + 1),
  );
  const none = sshString(Buffer.from("none"));
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    none, // cipher
    none, // key derivation
    sshString(Buffer.alloc(0)), // key derivation options
    Buffer.from([0, 0, 0, 1]), // one key
    sshString(publicBlob),
    sshString(Buffer.concat([unpadded, padding])),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return [BEGIN, ...lines, END, ""].join("\n");
}
