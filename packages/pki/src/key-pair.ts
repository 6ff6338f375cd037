import { generateKeyPair as generateKeyPairCallback } from "node:crypto";
import { promisify } from "node:util";

const generateKeyPairAsync = promisify(generateKeyPairCallback);

export interface KeyPair {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

/**
 * RSA for identities that sign certificate requests: node-forge writes those and knows no other
 * key type.
 */
export const DEFAULT_RSA_MODULUS_BITS = 2048;

/**
 * Generates a key pair with node:crypto (native and off the event loop), where it will be used:
 * private keys are never generated on one machine for another.
 */
export async function generateKeyPair(modulusBits = DEFAULT_RSA_MODULUS_BITS): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", {
    modulusLength: modulusBits,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * An Ed25519 key pair, for keys that sign often and need no certificate request (the hub's
 * SSH host key signs every agent's handshake: a tenth of the CPU of RSA-2048 each time).
 */
export async function generateEd25519KeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync("ed25519", {
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
