import { X509Certificate } from "node:crypto";

import { newCertificate, subjectAttributes, type Subject } from "./certificate-template.js";
import { parseCertificate } from "./forge-pem.js";
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

/**
 * `subject`'s CA certificate as `issuer` signs it: same name and key, so whatever `subject`
 * signed chains through it to `issuer`. A hub that serves with a new CA sends this beside its
 * certificate, and clients that trust only the old CA still verify it.
 */
export function crossCertify(
  subject: Pick<CertificateAuthority, "certificatePem">,
  issuer: CertificateAuthority,
  now: Date = new Date(),
): string {
  const subjectCert = parseCertificate(subject.certificatePem);
  const issuerCert = parseCertificate(issuer.certificatePem);
  const publicKey = new X509Certificate(subject.certificatePem).publicKey;
  const cert = newCertificate(
    Math.max(1, issuerCert.validity.notAfter.getTime() - now.getTime()),
    now,
  );
  cert.setSubject(subjectCert.subject.attributes);
  cert.setIssuer(issuerCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    subjectKeyIdentifier(publicKey),
    {
      name: "authorityKeyIdentifier",
      keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  return signCertificate(cert, publicKey, issuer.privateKeyPem);
}
