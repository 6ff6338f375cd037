import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";

import forge from "node-forge";

import { PkiError, PkiErrorCode } from "./errors.js";

/** Where a TBSCertificate holds subjectPublicKeyInfo: after version … subject (RFC 5280). */
const TBS_SPKI_INDEX = 6;

// Part of forge's API (certificateToAsn1 uses it), missing from its typings.
const { getTBSCertificate } = forge.pki as unknown as {
  getTBSCertificate: (cert: forge.pki.Certificate) => forge.asn1.Asn1;
};
// forge's typings know only the older `strict` flag for the second argument.
const fromDer = forge.asn1.fromDer as unknown as (
  bytes: string,
  options: { decodeBitStrings: boolean },
) => forge.asn1.Asn1;

const PLACEHOLDER_KEY = forge.pki.rsa.setPublicKey(
  new forge.jsbn.BigInteger("1"),
  new forge.jsbn.BigInteger("1"),
);

/** The holder's public key, of any type node:crypto reads (RSA, EC, Ed25519). */
export function readPublicKey(publicKeyPem: string): KeyObject {
  try {
    return createPublicKey(publicKeyPem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidKey, "public key is not a key in PEM form", { cause });
  }
}

function readCaKey(privateKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidKey, "the CA's private key is not a PEM key", {
      cause,
    });
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new PkiError(PkiErrorCode.InvalidKey, "the CA's key must be an RSA key");
  }
  return key;
}

/** The key's SubjectPublicKeyInfo, with its BIT STRING left as bytes (forge would parse it). */
function spkiOf(publicKey: KeyObject): forge.asn1.Asn1 {
  const der = publicKey.export({ type: "spki", format: "der" });
  return fromDer(der.toString("binary"), { decodeBitStrings: false });
}

/**
 * The subjectKeyIdentifier extension by RFC 5280's first method: SHA-1 of the subjectPublicKey
 * bits (forge can compute it only for RSA keys).
 */
export function subjectKeyIdentifier(publicKey: KeyObject): {
  name: string;
  value: forge.asn1.Asn1;
} {
  const bits = (spkiOf(publicKey).value as forge.asn1.Asn1[])[1]?.value as string;
  // A BIT STRING's first byte counts its unused bits; the key's bytes follow.
  const digest = createHash("sha1")
    .update(Buffer.from(bits.slice(1), "binary"))
    .digest();
  return {
    name: "subjectKeyIdentifier",
    value: forge.asn1.create(
      forge.asn1.Class.UNIVERSAL,
      forge.asn1.Type.OCTETSTRING,
      false,
      digest.toString("binary"),
    ),
  };
}

/**
 * Signs `cert` (names, validity and extensions set with forge) for `subjectPublicKey` with the
 * CA's key through node:crypto. forge builds the DER but signs in JavaScript and knows only RSA
 * keys: OpenSSL signs here in a fraction of the time, and the holder's key may be of any type
 * (the hub's SSH host key is ECDSA, which makes each agent's handshake cheap). Returns PEM.
 */
export function signCertificate(
  cert: forge.pki.Certificate,
  subjectPublicKey: KeyObject,
  caPrivateKeyPem: string,
): string {
  const caKey = readCaKey(caPrivateKeyPem);
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption ?? "1.2.840.113549.1.1.11";
  cert.signatureOid = cert.siginfo.algorithmOid;
  // forge writes the key it holds, which must be RSA; the real one replaces it in the DER.
  cert.publicKey = PLACEHOLDER_KEY;
  const tbs = getTBSCertificate(cert);
  (tbs.value as forge.asn1.Asn1[])[TBS_SPKI_INDEX] = spkiOf(subjectPublicKey);
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  cert.tbsCertificate = tbs;
  cert.signature = sign("sha256", tbsDer, caKey).toString("binary");
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}
