import forge from "node-forge";

import { PkiError, PkiErrorCode } from "./errors.js";

export function parsePrivateKey(pem: string): forge.pki.rsa.PrivateKey {
  try {
    return forge.pki.privateKeyFromPem(pem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidKey, "private key is not an RSA key in PEM form", {
      cause,
    });
  }
}

export function parsePublicKey(pem: string): forge.pki.rsa.PublicKey {
  try {
    return forge.pki.publicKeyFromPem(pem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidKey, "public key is not an RSA key in PEM form", {
      cause,
    });
  }
}

export function parseCertificate(pem: string): forge.pki.Certificate {
  try {
    return forge.pki.certificateFromPem(pem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidCertificate, "certificate is not valid PEM", { cause });
  }
}

/** node-forge writes PEM with CRLF line ends; everything else here uses LF. */
export function toLf(pem: string): string {
  return pem.replace(/\r\n/g, "\n");
}
