import { randomBytes } from "node:crypto";

import forge from "node-forge";

import { PkiError, PkiErrorCode } from "./errors.js";

/**
 * Certificates start this long before "now", so a peer whose clock is slightly behind ours
 * does not reject a certificate we have just issued.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;

export interface Subject {
  commonName: string;
  /** Kubernetes reads each organization of a client certificate as a group. */
  organizations?: readonly string[];
}

export function subjectAttributes(subject: Subject): forge.pki.CertificateField[] {
  if (subject.commonName.length === 0) {
    throw new PkiError(PkiErrorCode.InvalidRequest, "a certificate needs a non-empty common name");
  }
  return [
    { name: "commonName", value: subject.commonName },
    ...(subject.organizations ?? []).map((value) => ({ name: "organizationName", value })),
  ];
}

/** A blank certificate with a random positive serial and a validity window starting now. */
export function newCertificate(
  publicKey: forge.pki.PublicKey,
  validityMs: number,
  now: Date,
): forge.pki.Certificate {
  if (!Number.isFinite(validityMs) || validityMs <= 0) {
    throw new PkiError(PkiErrorCode.InvalidRequest, `validity must be positive, got ${validityMs}`);
  }
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // 16 random bytes with the top bit cleared: unique, and positive as DER INTEGERs must be.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_ALLOWANCE_MS);
  cert.validity.notAfter = new Date(now.getTime() + validityMs);
  return cert;
}
