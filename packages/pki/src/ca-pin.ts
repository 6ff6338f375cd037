import { createHash, X509Certificate } from "node:crypto";

import { PkiError, PkiErrorCode } from "./errors.js";

const PIN_PATTERN = /^sha256:([0-9a-f]{64})$/;

/**
 * A CA pin: "sha256:" and the hex SHA-256 of the certificate's SubjectPublicKeyInfo, as
 * kubeadm's discovery hash. It names the key, so it survives re-issuing the CA certificate.
 */
export function caPin(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({
    type: "spki",
    format: "der",
  });
  return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

/** Normalises a pin a person typed (case, surrounding space) or says what is wrong with it. */
export function parseCaPin(text: string): string {
  const normalised = text.trim().toLowerCase();
  if (!PIN_PATTERN.test(normalised)) {
    throw new PkiError(
      PkiErrorCode.InvalidPin,
      `CA pin "${text}" is not of the form sha256:<64 hex digits> (warrenctl prints the right one)`,
    );
  }
  return normalised;
}
