import { X509Certificate } from "node:crypto";

import { describe, expect, it } from "vitest";

import { createCertificateAuthority } from "./certificate-authority.js";
import { readCertifiedKey } from "./certified-key.js";
import { PkiErrorCode } from "./errors.js";
import { issueCertificate } from "./issue-certificate.js";
import { generateEd25519KeyPair, generateKeyPair } from "./key-pair.js";

const DAY_MS = 24 * 3_600_000;

describe("readCertifiedKey", () => {
  it.each([
    ["an RSA key, valid a day (UTCTime)", generateKeyPair, DAY_MS],
    [
      "an Ed25519 key, valid past 2050 (GeneralizedTime)",
      generateEd25519KeyPair,
      30 * 365 * DAY_MS,
    ],
  ])("reads %s as X509Certificate does", async (_name, generate, validityMs) => {
    const ca = await createCertificateAuthority({ subject: { commonName: "CA" }, validityMs });
    const holder = await generate();
    const pem = issueCertificate({
      ca,
      publicKeyPem: holder.publicKeyPem,
      subject: { commonName: "agent" },
      usages: ["clientAuth"],
      validityMs,
      now: new Date(),
    });
    const read = readCertifiedKey(pem);
    const cert = new X509Certificate(pem);
    expect(read.publicKey.equals(cert.publicKey)).toBe(true);
    expect(read.notAfter).toEqual(new Date(cert.validTo));
    // And the CA's own, self-signed certificate.
    expect(
      readCertifiedKey(ca.certificatePem).publicKey.equals(
        new X509Certificate(ca.certificatePem).publicKey,
      ),
    ).toBe(true);
  });

  it("refuses what is not a certificate, naming it", () => {
    for (const pem of ["", "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----"]) {
      expect(() => readCertifiedKey(pem)).toThrow(
        expect.objectContaining({ code: PkiErrorCode.InvalidCertificate }),
      );
    }
  });
});
