import { CLOCK_SKEW_ALLOWANCE_MS, readCertificate } from "@warren/pki";

/** Renew when two thirds of the certificate's life have passed, in Unix milliseconds. */
export function renewalDueAt(certificatePem: string): number {
  const { notBefore, notAfter } = readCertificate(certificatePem);
  // The hub backdates notBefore for clock skew; the life it meant to give starts later.
  const issuedAt = Math.min(notBefore.getTime() + CLOCK_SKEW_ALLOWANCE_MS, notAfter.getTime());
  return issuedAt + ((notAfter.getTime() - issuedAt) * 2) / 3;
}
