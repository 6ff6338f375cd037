import { X509Certificate } from "node:crypto";

import { caPin } from "./ca-pin.js";
import { PkiError, PkiErrorCode } from "./errors.js";
import { parseCertificate } from "./forge-pem.js";
import { splitPemBundle } from "./pem-bundle.js";

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

function verifyOne(cert: X509Certificate, caPem: string, now: Date): void {
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(caPem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidCertificate, "CA certificate is not valid PEM", {
      cause,
    });
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

/**
 * Checks that `certificatePem` was signed by a CA of `caBundlePem` (one certificate, or several
 * while the hub rotates its CA) and is valid at `now`; throws a PkiError that says which check
 * failed. A CA that signed it decides the error over one that did not.
 */
export function verifyIssuedBy(
  certificatePem: string,
  caBundlePem: string,
  now = new Date(),
): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidCertificate, "certificate is not valid PEM", { cause });
  }
  const cas = splitPemBundle(caBundlePem);
  if (cas.length === 0) {
    throw new PkiError(PkiErrorCode.InvalidCertificate, "the CA bundle holds no certificate");
  }
  let refusal: PkiError | undefined;
  for (const caPem of cas) {
    try {
      verifyOne(cert, caPem, now);
      return;
    } catch (error) {
      if (!(error instanceof PkiError)) throw error;
      if (refusal === undefined || refusal.code === PkiErrorCode.UntrustedCertificate)
        refusal = error;
    }
  }
  throw refusal ?? new PkiError(PkiErrorCode.UntrustedCertificate, "certificate not verified");
}

/** The certificate of `caBundlePem` that issued `certificatePem`, if any (validity aside). */
export function issuerIn(certificatePem: string, caBundlePem: string): string | undefined {
  const cert = new X509Certificate(certificatePem);
  return splitPemBundle(caBundlePem).find((caPem) => {
    const ca = new X509Certificate(caPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  });
}
