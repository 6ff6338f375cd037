export enum PkiErrorCode {
  /** A PEM key could not be parsed, or is not RSA where RSA is needed (the CA, requests). */
  InvalidKey = "invalid_key",
  /** A PEM certificate could not be parsed. */
  InvalidCertificate = "invalid_certificate",
  /** A requested validity or name, or a certificate signing request, is not acceptable. */
  InvalidRequest = "invalid_request",
  /** A CA pin is not of the form sha256:<hex>. */
  InvalidPin = "invalid_pin",
  /** A certificate was not signed by the CA it was checked against. */
  UntrustedCertificate = "untrusted_certificate",
  /** A certificate's validity has not started yet. */
  NotYetValid = "not_yet_valid",
  /** A certificate's validity has ended. */
  Expired = "expired",
}

export class PkiError extends Error {
  override readonly name = "PkiError";

  constructor(
    readonly code: PkiErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
