export { PkiError, PkiErrorCode } from "./errors.js";
export {
  DEFAULT_RSA_MODULUS_BITS,
  generateEd25519KeyPair,
  generateKeyPair,
  type KeyPair,
} from "./key-pair.js";
export {
  createCertificateAuthority,
  crossCertify,
  type CertificateAuthority,
  type CreateCertificateAuthorityOptions,
} from "./certificate-authority.js";
export {
  issueCertificate,
  type ExtendedKeyUsage,
  type IssueCertificateOptions,
} from "./issue-certificate.js";
export { CLOCK_SKEW_ALLOWANCE_MS, type Subject } from "./certificate-template.js";
export { createCertificateRequest, readCertificateRequest } from "./certificate-request.js";
export { caPin, parseCaPin } from "./ca-pin.js";
export { readCertifiedKey, type CertifiedKey } from "./certified-key.js";
export {
  issuerIn,
  readCertificate,
  verifyIssuedBy,
  type CertificateInfo,
} from "./read-certificate.js";
export { splitPemBundle } from "./pem-bundle.js";
