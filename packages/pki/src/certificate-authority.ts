import { newCertificate, subjectAttributes, type Subject } from "./certificate-template.js";
import { generateKeyPair, type KeyPair } from "./key-pair.js";
import { readPublicKey, signCertificate, subjectKeyIdentifier } from "./sign-certificate.js";

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
  const publicKey = readPublicKey(keyPair.publicKeyPem);
  const cert = newCertificate(options.validityMs, options.now ?? new Date());
  const attributes = subjectAttributes(options.subject);
  cert.setSubject(attributes);
  cert.setIssuer(attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    subjectKeyIdentifier(publicKey),
  ]);
  return {
    certificatePem: signCertificate(cert, publicKey, keyPair.privateKeyPem),
    privateKeyPem: keyPair.privateKeyPem,
  };
}
