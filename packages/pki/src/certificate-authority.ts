import forge from "node-forge";

import { newCertificate, subjectAttributes, type Subject } from "./certificate-template.js";
import { parsePrivateKey, parsePublicKey, toLf } from "./forge-pem.js";
import { generateKeyPair, type KeyPair } from "./key-pair.js";

/** A CA's certificate and the key that signs with it. The key must stay where it was made. */
export interface CertificateAuthority {
  certificatePem: string;
  privateKeyPem: string;
}

export interface CreateCertificateAuthorityOptions {
  subject: Subject;
  /** How long the CA certificate is valid, in milliseconds. */
  validityMs: number;
  /** Defaults to a fresh key pair. */
  keyPair?: KeyPair;
  /** Defaults to the current time; tests pass a fixed one. */
  now?: Date;
}

export async function createCertificateAuthority(
  options: CreateCertificateAuthorityOptions,
): Promise<CertificateAuthority> {
  const keyPair = options.keyPair ?? (await generateKeyPair());
  const privateKey = parsePrivateKey(keyPair.privateKeyPem);
  const cert = newCertificate(
    parsePublicKey(keyPair.publicKeyPem),
    options.validityMs,
    options.now ?? new Date(),
  );
  const attributes = subjectAttributes(options.subject);
  cert.setSubject(attributes);
  cert.setIssuer(attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return {
    certificatePem: toLf(forge.pki.certificateToPem(cert)),
    privateKeyPem: keyPair.privateKeyPem,
  };
}
