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

/**
 * forge reads valueTagClass as the value's ASN.1 type; its typings call it a class, hence
 * the cast.
 */
export const UTF8_STRING = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;

/**
 * A serial from 16 random bytes, as forge writes it: the DER INTEGER's bytes as they are. The
 * first byte is kept in 0x40..0x7f: the top bit clear (positive) and never zero, since a
 * leading zero byte before one below 0x80 is a non-minimal INTEGER, which OpenSSL refuses
 * ("illegal padding") — one certificate in 256 did so before.
 */
export function certificateSerial(random: Buffer): string {
  const serial = Buffer.from(random);
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40;
  return serial.toString("hex");
}

export function subjectAttributes(subject: Subject): forge.pki.CertificateField[] {
  if (subject.commonName.length === 0) {
    throw new PkiError(PkiErrorCode.InvalidRequest, "a certificate needs a non-empty common name");
  }
  // UTF8String: forge's default PrintableString cannot hold "@" or "_" (user names do), and
  // Go's x509 (kubectl, client-go) refuses such a certificate outright.
  const utf8 = UTF8_STRING;
  return [
    { name: "commonName", value: subject.commonName, valueTagClass: utf8 },
    ...(subject.organizations ?? []).map((value) => ({
      name: "organizationName",
      value,
      valueTagClass: utf8,
    })),
  ];
}

/** A blank certificate (its key is given when it is signed) with a random positive serial and a validity window starting now. */
export function newCertificate(validityMs: number, now: Date): forge.pki.Certificate {
  if (!Number.isFinite(validityMs) || validityMs <= 0) {
    throw new PkiError(PkiErrorCode.InvalidRequest, `validity must be positive, got ${validityMs}`);
  }
  const cert = forge.pki.createCertificate();
  cert.serialNumber = certificateSerial(randomBytes(16));
  cert.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_ALLOWANCE_MS);
  cert.validity.notAfter = new Date(now.getTime() + validityMs);
  return cert;
}
