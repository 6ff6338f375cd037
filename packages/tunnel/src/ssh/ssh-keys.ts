import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

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

/**
 * The SSH wire form of a public key given as SPKI PEM or as a KeyObject: an "ssh-rsa" blob
 * (agents' keys) or an "ecdsa-sha2-nistp256" one (the hub's host key, RFC 5656).
 */
export function sshPublicKey(publicKey: string | KeyObject): Buffer {
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  const jwk = key.export({ format: "jwk" });
  if (jwk.kty === "RSA" && jwk.n !== undefined && jwk.e !== undefined) {
    return Buffer.concat([sshString(Buffer.from("ssh-rsa")), sshMpint(jwk.e), sshMpint(jwk.n)]);
  }
  if (jwk.kty === "EC" && jwk.crv === "P-256" && jwk.x !== undefined && jwk.y !== undefined) {
    const point = Buffer.concat([
      Buffer.from([4]), // uncompressed: x then y
      Buffer.from(jwk.x, "base64url"),
      Buffer.from(jwk.y, "base64url"),
    ]);
    return Buffer.concat([
      sshString(Buffer.from("ecdsa-sha2-nistp256")),
      sshString(Buffer.from("nistp256")),
      sshString(point),
    ]);
  }
  throw new TunnelError(TunnelErrorCode.InvalidKey, "SSH keys here are RSA or ECDSA P-256 keys");
}

/** A private key as ssh2 accepts it (PKCS#1 or SEC1 PEM; it does not read PKCS#8). */
export function sshPrivateKey(privateKeyPem: string): string {
  const key = createPrivateKey(privateKeyPem);
  const type = key.asymmetricKeyType === "ec" ? "sec1" : "pkcs1";
  return key.export({ type, format: "pem" }).toString();
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
