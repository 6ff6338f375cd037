import { createPrivateKey, createPublicKey } from "node:crypto";

// ssh2 is CommonJS whose exports Node cannot name statically: take them off the default.
import ssh2 from "ssh2";

import { TunnelError, TunnelErrorCode } from "../errors.js";

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An SSH mpint: big-endian, with a zero byte in front when the top bit is set. */
function sshMpint(base64url: string): Buffer {
  const bytes = Buffer.from(base64url, "base64url");
  return sshString((bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** The SSH wire form ("ssh-rsa" blob) of an RSA public key given as SPKI PEM. */
export function sshPublicKey(publicKeyPem: string): Buffer {
  const jwk = createPublicKey(publicKeyPem).export({ format: "jwk" });
  if (jwk.kty !== "RSA" || jwk.n === undefined || jwk.e === undefined) {
    throw new TunnelError(TunnelErrorCode.InvalidKey, "SSH keys here are RSA keys");
  }
  return Buffer.concat([sshString(Buffer.from("ssh-rsa")), sshMpint(jwk.e), sshMpint(jwk.n)]);
}

/** A private key as ssh2 accepts it (PKCS#1 PEM; it does not read PKCS#8). */
export function sshPrivateKey(privateKeyPem: string): string {
  return createPrivateKey(privateKeyPem).export({ type: "pkcs1", format: "pem" }).toString();
}

/** Checks an SSH signature over `data` made with the key whose wire form is `publicKey`. */
export function verifySshSignature(
  publicKey: Buffer,
  data: Buffer,
  signature: Buffer,
  hashAlgo: string | undefined,
): boolean {
  const key = ssh2.utils.parseKey(`ssh-rsa ${publicKey.toString("base64")}`);
  return !(key instanceof Error) && key.verify(data, signature, hashAlgo);
}
