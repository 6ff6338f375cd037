import { X509Certificate, createPublicKey, generateKeyPairSync } from "node:crypto";

import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";

import { createCertificateAuthority, type CertificateAuthority } from "./certificate-authority.js";
import { CLOCK_SKEW_ALLOWANCE_MS } from "./certificate-template.js";
import { PkiError, PkiErrorCode } from "./errors.js";
import { issueCertificate } from "./issue-certificate.js";
import { generateKeyPair, type KeyPair } from "./key-pair.js";

const HOUR_MS = 3_600_000;
const now = new Date("2026-01-01T00:00:00Z");

// Verified with node:crypto; forge builds the DER, OpenSSL signs it.
describe("issueCertificate", () => {
  let ca: CertificateAuthority;
  let holder: KeyPair;

  beforeAll(async () => {
    ca = await createCertificateAuthority({
      subject: { commonName: "test-ca" },
      validityMs: 24 * HOUR_MS,
      now,
    });
    holder = await generateKeyPair();
  });

  it("makes a self-signed CA certificate", () => {
    const caCert = new X509Certificate(ca.certificatePem);
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe("CN=test-ca");
    expect(caCert.verify(caCert.publicKey)).toBe(true);
  });

  it("signs a server certificate with its names, verifiable against the CA", () => {
    const pem = issueCertificate({
      ca,
      publicKeyPem: holder.publicKeyPem,
      subject: { commonName: "server" },
      dnsNames: ["localhost"],
      ipAddresses: ["127.0.0.1", "::1"],
      usages: ["serverAuth"],
      validityMs: HOUR_MS,
      now,
    });
    const cert = new X509Certificate(pem);
    const caCert = new X509Certificate(ca.certificatePem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(cert.publicKey.equals(createPublicKey(holder.publicKeyPem))).toBe(true);
  });

  it.each(["ec", "ed25519"] as const)("certifies an %s key as well, signed natively", (type) => {
    const { publicKey } = generateKeyPairSync(type as "ec", { namedCurve: "P-256" });
    const pem = issueCertificate({
      ca,
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      subject: { commonName: "host" },
      usages: ["serverAuth"],
      validityMs: HOUR_MS,
      now,
    });
    const cert = new X509Certificate(pem);
    const caCert = new X509Certificate(ca.certificatePem);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.publicKey.equals(publicKey)).toBe(true);
  });

  it("names keys as forge did (RFC 5280's SHA-1 of the key), so older certificates still chain", () => {
    const caCert = forge.pki.certificateFromPem(ca.certificatePem);
    const extension = caCert.getExtension("subjectKeyIdentifier") as {
      subjectKeyIdentifier: string;
    };
    expect(extension.subjectKeyIdentifier).toBe(caCert.generateSubjectKeyIdentifier().toHex());
  });

  it("puts each organization in the subject, as Kubernetes reads groups", () => {
    const pem = issueCertificate({
      ca,
      publicKeyPem: holder.publicKeyPem,
      subject: { commonName: "alice", organizations: ["dev", "ops"] },
      usages: ["clientAuth"],
      validityMs: HOUR_MS,
      now,
    });
    const cert = new X509Certificate(pem);
    expect(cert.subject.split("\n")).toEqual(["CN=alice", "O=dev", "O=ops"]);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
  });

  it("starts validity before now for clock skew and never outlives the CA", () => {
    const pem = issueCertificate({
      ca,
      publicKeyPem: holder.publicKeyPem,
      subject: { commonName: "long" },
      usages: ["clientAuth"],
      validityMs: 1000 * HOUR_MS,
      now,
    });
    const cert = new X509Certificate(pem);
    const caCert = new X509Certificate(ca.certificatePem);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime() - CLOCK_SKEW_ALLOWANCE_MS);
    expect(cert.validTo).toBe(caCert.validTo);
  });

  it("refuses a bad IP address, a non-positive validity and an empty name", () => {
    const base = {
      ca,
      publicKeyPem: holder.publicKeyPem,
      subject: { commonName: "x" },
      usages: ["serverAuth"] as const,
      validityMs: HOUR_MS,
    };
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof PkiError ? error.code : error;
      }
      return undefined;
    };
    expect(codeOf(() => issueCertificate({ ...base, ipAddresses: ["localhost"] }))).toBe(
      PkiErrorCode.InvalidRequest,
    );
    expect(codeOf(() => issueCertificate({ ...base, validityMs: 0 }))).toBe(
      PkiErrorCode.InvalidRequest,
    );
    expect(codeOf(() => issueCertificate({ ...base, subject: { commonName: "" } }))).toBe(
      PkiErrorCode.InvalidRequest,
    );
    expect(codeOf(() => issueCertificate({ ...base, publicKeyPem: "nope" }))).toBe(
      PkiErrorCode.InvalidKey,
    );
  });
});
