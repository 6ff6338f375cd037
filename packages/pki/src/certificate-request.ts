import forge from "node-forge";

import { UTF8_STRING } from "./certificate-template.js";
import { PkiError, PkiErrorCode } from "./errors.js";
import { parsePrivateKey, parsePublicKey, toLf } from "./forge-pem.js";
import type { KeyPair } from "./key-pair.js";

/**
 * A PKCS#10 request signed with the holder's key: it proves the holder has the private key
 * without sending it anywhere.
 */
export function createCertificateRequest(keyPair: KeyPair, commonName: string): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = parsePublicKey(keyPair.publicKeyPem);
  csr.setSubject([{ name: "commonName", value: commonName, valueTagClass: UTF8_STRING }]);
  csr.sign(parsePrivateKey(keyPair.privateKeyPem), forge.md.sha256.create());
  return toLf(forge.pki.certificationRequestToPem(csr));
}

/**
 * Checks a request's self-signature and returns the public key it carries (SPKI PEM). The
 * subject is ignored: the CA decides what a certificate says, not the requester.
 */
export function readCertificateRequest(csrPem: string): { publicKeyPem: string } {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem);
  } catch (cause) {
    throw new PkiError(
      PkiErrorCode.InvalidRequest,
      "certificate signing request is not PKCS#10 PEM with an RSA key",
      { cause },
    );
  }
  let verified: boolean;
  try {
    verified = csr.verify();
  } catch {
    verified = false; // forge throws instead of returning false for some bad signatures
  }
  if (!verified || csr.publicKey === null) {
    throw new PkiError(
      PkiErrorCode.InvalidRequest,
      "certificate signing request signature does not match its key",
    );
  }
  return { publicKeyPem: toLf(forge.pki.publicKeyToPem(csr.publicKey)) };
}
