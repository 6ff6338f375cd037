import { isIP } from "node:net";

import type { CertificateAuthority } from "./certificate-authority.js";
import { newCertificate, subjectAttributes, type Subject } from "./certificate-template.js";
import { PkiError, PkiErrorCode } from "./errors.js";
import { parseCertificate } from "./forge-pem.js";
import { readPublicKey, signCertificate, subjectKeyIdentifier } from "./sign-certificate.js";

export type ExtendedKeyUsage = "serverAuth" | "clientAuth";

export interface IssueCertificateOptions {
  ca: CertificateAuthority;
  /** The holder's public key (SPKI PEM; RSA, EC or Ed25519); the holder keeps the private key. */
  publicKeyPem: string;
  subject: Subject;
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  usages: readonly ExtendedKeyUsage[];
  /** URI subject alternative names, e.g. the identity Warren binds into a certificate. */
  uris?: readonly string[];
  /** Requested lifetime in milliseconds; never extends past the CA's own expiry. */
  validityMs: number;
  now?: Date;
}

// subjectAltName GeneralName tags (RFC 5280 section 4.2.1.6).
const SAN_DNS = 2;
const SAN_URI = 6;
const SAN_IP = 7;

function subjectAltNames(
  dnsNames: readonly string[],
  ipAddresses: readonly string[],
  uris: readonly string[],
) {
  for (const ip of ipAddresses) {
    if (isIP(ip) === 0) {
      throw new PkiError(PkiErrorCode.InvalidRequest, `"${ip}" is not an IP address`);
    }
  }
  return [
    ...dnsNames.map((value) => ({ type: SAN_DNS, value })),
    ...ipAddresses.map((ip) => ({ type: SAN_IP, ip })),
    ...uris.map((value) => ({ type: SAN_URI, value })),
  ];
}

/** Signs a leaf certificate for `publicKeyPem` with the CA. Returns the certificate as PEM. */
export function issueCertificate(options: IssueCertificateOptions): string {
  const caCert = parseCertificate(options.ca.certificatePem);
  const publicKey = readPublicKey(options.publicKeyPem);
  const now = options.now ?? new Date();
  const cert = newCertificate(options.validityMs, now);
  if (cert.validity.notAfter > caCert.validity.notAfter) {
    cert.validity.notAfter = caCert.validity.notAfter;
  }
  cert.setSubject(subjectAttributes(options.subject));
  cert.setIssuer(caCert.subject.attributes);
  const altNames = subjectAltNames(
    options.dnsNames ?? [],
    options.ipAddresses ?? [],
    options.uris ?? [],
  );
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    {
      name: "keyUsage",
      digitalSignature: true,
      // Encrypting a key to the holder is something only an RSA key does.
      keyEncipherment: publicKey.asymmetricKeyType === "rsa",
      critical: true,
    },
    {
      name: "extKeyUsage",
      serverAuth: options.usages.includes("serverAuth"),
      clientAuth: options.usages.includes("clientAuth"),
    },
    ...(altNames.length > 0 ? [{ name: "subjectAltName", altNames }] : []),
    subjectKeyIdentifier(publicKey),
    {
      name: "authorityKeyIdentifier",
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  return signCertificate(cert, publicKey, options.ca.privateKeyPem);
}
