import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

// ssh2 is CommonJS whose exports Node cannot name statically: take them off the default.
import ssh2, { type ParsedKey } from "ssh2";

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

/** The hash each key type signs with when ssh2 names none (ssh-rsa's is SHA-1, RFC 4253). */
const DEFAULT_HASH: Record<string, string> = { "ecdsa-sha2-nistp256": "sha256", "ssh-rsa": "sha1" };

/**
 * A private key as ssh2 uses it for signing, from PKCS#8, PKCS#1 or SEC1 PEM. ssh2 hands its
 * PEM to node:crypto at every signature, which parses it again: 15 times the cost of the
 * ECDSA signature itself, and three times an RSA one. This key signs with the key parsed once.
 */
export function sshSigningKey(privateKeyPem: string): ParsedKey {
  const key = createPrivateKey(privateKeyPem);
  // ssh2 reads PKCS#1 and SEC1, not PKCS#8.
  const type = key.asymmetricKeyType === "ec" ? "sec1" : "pkcs1";
  const parsed = ssh2.utils.parseKey(key.export({ type, format: "pem" }).toString());
  if (parsed instanceof Error || Array.isArray(parsed)) {
    throw new TunnelError(TunnelErrorCode.InvalidKey, "the private key is not one SSH can use");
  }
  const defaultHash = DEFAULT_HASH[parsed.type] ?? "sha256";
  // ssh2 returns, rather than throws, a signing error.
  parsed.sign = (data, algo) => {
    try {
      return sign(algo ?? defaultHash, Buffer.from(data), key);
    } catch (error) {
      return error as Buffer;
    }
  };
  return parsed;
}

/**
 * Checks an SSH signature over `data` made with the key whose wire form is `publicKey`, or
 * with the RSA key given parsed (parsing a key costs eight times the check itself).
 */
export function verifySshSignature(
  publicKey: Buffer | KeyObject,
  data: Buffer,
  signature: Buffer,
  hashAlgo: string | undefined,
): boolean {
  if (!Buffer.isBuffer(publicKey)) {
    // An RSA signature's hash is named by its algorithm; plain ssh-rsa's is SHA-1 (RFC 4253).
    return (
      publicKey.asymmetricKeyType === "rsa" &&
      verify(hashAlgo ?? "sha1", data, publicKey, signature)
    );
  }
  const key = ssh2.utils.parseKey(`ssh-rsa ${publicKey.toString("base64")}`);
  return !(key instanceof Error) && key.verify(data, signature, hashAlgo);
}
