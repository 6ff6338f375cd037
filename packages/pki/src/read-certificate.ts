import { X509Certificate } from "node:crypto";

import { caPin } from "./ca-pin.js";
import { decodeTextExtension } from "./certificate-extension.js";
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
  /** Value of a text extension (see TextExtension), by OID. */
  extension(oid: string): string | undefined;
}

export function readCertificate(pem: string): CertificateInfo {
  const forgeCert = parseCertificate(pem);
  const attribute = (name: string) =>
    forgeCert.subject.attributes.filter((a) => a.name === name).map((a) => String(a.value));
  const basicConstraints = forgeCert.getExtension("basicConstraints") as { cA?: boolean } | null;
  return {
    commonName: attribute("commonName")[0] ?? "",
    organizations: attribute("organizationName"),
    serialNumber: forgeCert.serialNumber,
    notBefore: forgeCert.validity.notBefore,
    notAfter: forgeCert.validity.notAfter,
    pin: caPin(pem),
    isCa: basicConstraints?.cA === true,
    extension: (oid) => decodeTextExtension(forgeCert, oid),
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
