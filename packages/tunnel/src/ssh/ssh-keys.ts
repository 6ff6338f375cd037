import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

// ssh2 is CommonJS whose exports Node cannot name statically: take them off the default.
import ssh2, { type ParsedKey } from "ssh2";

import { TunnelError, TunnelErrorCode } from "../errors.js";
import { openSshEd25519PrivateKey } from "./openssh-private-key.js";
import { sshMpint, sshString } from "./ssh-wire.js";

/**
 * The SSH wire form of a public key given as SPKI PEM or as a KeyObject: an "ssh-rsa" blob
 * (agents' keys, the hub's first host key), an "ssh-ed25519" one (RFC 8709, the hub's fast
 * host key) or an "ecdsa-sha2-nistp256" one (RFC 5656).
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
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519" && jwk.x !== undefined) {
    return Buffer.concat([
      sshString(Buffer.from("ssh-ed25519")),
      sshString(Buffer.from(jwk.x, "base64url")),
    ]);
  }
  throw new TunnelError(
    TunnelErrorCode.InvalidKey,
    "SSH keys here are RSA, Ed25519 or ECDSA P-256 keys",
  );
}

/**
 * The hash each key type signs with when ssh2 names none (ssh-rsa's is SHA-1, RFC 4253);
 * null for Ed25519, which hashes as part of its signature.
 */
const DEFAULT_HASH: Record<string, string | null> = {
  "ecdsa-sha2-nistp256": "sha256",
  "ssh-rsa": "sha1",
  "ssh-ed25519": null,
};

/** The key as PEM that ssh2 reads: PKCS#1 or SEC1, or OpenSSH's format for Ed25519. */
function ssh2Pem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case "ed25519":
      return openSshEd25519PrivateKey(key);
    case "ec":
      return key.export({ type: "sec1", format: "pem" }).toString();
    default:
      return key.export({ type: "pkcs1", format: "pem" }).toString();
  }
}

/**
 * A private key as ssh2 uses it for signing, from PKCS#8, PKCS#1 or SEC1 PEM. ssh2 hands its
 * PEM to node:crypto at every signature, which parses it again: 15 times the cost of the
 * ECDSA signature itself, and three times an RSA one. This key signs with the key parsed once.
 */
export function sshSigningKey(privateKeyPem: string): ParsedKey {
  const key = createPrivateKey(privateKeyPem);
  const parsed = ssh2.utils.parseKey(ssh2Pem(key));
  if (parsed instanceof Error || Array.isArray(parsed)) {
    throw new TunnelError(TunnelErrorCode.InvalidKey, "the private key is not one SSH can use");
  }
  const defaultHash = parsed.type in DEFAULT_HASH ? DEFAULT_HASH[parsed.type] : "sha256";
  // ssh2 returns, rather than throws, a signing error.
  parsed.sign = (data, algo) => {
    try {
      return sign(defaultHash === null ? null : (algo ?? defaultHash), Buffer.from(data), key);
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
