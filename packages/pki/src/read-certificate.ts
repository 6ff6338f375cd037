import { X509Certificate } from "node:crypto";

import { caPin } from "./ca-pin.js";
import { PkiError, PkiErrorCode } from "./errors.js";
import { parseCertificate } from "./forge-pem.js";

export interface CertificateInfo {
  commonName: string;
  organizations: string[];
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** The pin of this certificate's key (see caPin). */
  pin: string;
  isCa: boolean;
  /** URI subject alternative names. */
  uris: string[];
}

const SAN_URI = 6;

export function readCertificate(pem: string): CertificateInfo {
  const forgeCert = parseCertificate(pem);
  const attribute = (name: string) =>
    forgeCert.subject.attributes.filter((a) => a.name === name).map((a) => String(a.value));
  const basicConstraints = forgeCert.getExtension("basicConstraints") as { cA?: boolean } | null;
  const altNames = forgeCert.getExtension("subjectAltName") as {
    altNames?: { type: number; value: string }[];
  } | null;
  return {
    commonName: attribute("commonName")[0] ?? "",
    organizations: attribute("organizationName"),
    serialNumber: forgeCert.serialNumber,
    notBefore: forgeCert.validity.notBefore,
    notAfter: forgeCert.validity.notAfter,
    pin: caPin(pem),
    isCa: basicConstraints?.cA === true,
    uris: (altNames?.altNames ?? []).filter((n) => n.type === SAN_URI).map((n) => n.value),
  };
}

/**
 * Checks that `certificatePem` was signed by the CA and is valid at `now`; throws a PkiError
 * that says which check failed.
 */
export function verifyIssuedBy(certificatePem: string, caPem: string, now = new Date()): void {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
    ca = new X509Certificate(caPem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidCertificate, "certificate is not valid PEM", { cause });
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    throw new PkiError(PkiErrorCode.UntrustedCertificate, "certificate was not issued by this CA");
  }
  if (now < new Date(cert.validFrom)) {
    throw new PkiError(
      PkiErrorCode.NotYetValid,
      `certificate is not valid before ${cert.validFrom}`,
    );
  }
  if (now > new Date(cert.validTo)) {
    throw new PkiError(PkiErrorCode.Expired, `certificate expired at ${cert.validTo}`);
  }
}
