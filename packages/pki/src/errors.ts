export enum PkiErrorCode {
  /** A PEM key could not be parsed or is not an RSA key (node-forge signs only with RSA). */
  InvalidKey = "invalid_key",
  /** A PEM certificate could not be parsed. */
  InvalidCertificate = "invalid_certificate",
  /** A requested validity or name is not acceptable. */
  InvalidRequest = "invalid_request",
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
