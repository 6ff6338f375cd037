import { describe, expect, it } from "vitest";

import { caPin, parseCaPin } from "./ca-pin.js";
import { createCertificateAuthority } from "./certificate-authority.js";
import { createCertificateRequest, readCertificateRequest } from "./certificate-request.js";
import { PkiErrorCode } from "./errors.js";
import { issueCertificate } from "./issue-certificate.js";
import { generateKeyPair } from "./key-pair.js";
import { readCertificate, verifyIssuedBy } from "./read-certificate.js";

const HOUR_MS = 3_600_000;

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return undefined;
};

describe("certificate requests", () => {
  it("carry the holder's public key, proven by its signature", async () => {
    const keys = await generateKeyPair();
    const csr = createCertificateRequest(keys, "agent");
    expect(readCertificateRequest(csr).publicKeyPem).toBe(keys.publicKeyPem);
  });

  it("are refused when tampered with or not PEM", async () => {
    const [keys, other] = await Promise.all([generateKeyPair(), generateKeyPair()]);
    // A request signed by one key but claiming another's public key.
    const forged = createCertificateRequest({ ...keys, publicKeyPem: other.publicKeyPem }, "x");
    expect(codeOf(() => readCertificateRequest(forged))).toBe(PkiErrorCode.InvalidRequest);
    expect(codeOf(() => readCertificateRequest("garbage"))).toBe(PkiErrorCode.InvalidRequest);
  });
});

describe("reading and verifying certificates", () => {
  it("round-trips URI names, the subject and the validity", async () => {
    const ca = await createCertificateAuthority({
      subject: { commonName: "ca" },
      validityMs: HOUR_MS,
    });
    const keys = await generateKeyPair();
    const pem = issueCertificate({
      ca,
      publicKeyPem: keys.publicKeyPem,
      subject: { commonName: "agent-1", organizations: ["o1"] },
      usages: ["clientAuth"],
      validityMs: HOUR_MS / 2,
      uris: ["warren://agent/a1?cluster=prod&label.env=%C3%A9"],
    });
    const info = readCertificate(pem);
    expect(info.commonName).toBe("agent-1");
    expect(info.organizations).toEqual(["o1"]);
    expect(info.isCa).toBe(false);
    expect(info.uris).toEqual(["warren://agent/a1?cluster=prod&label.env=%C3%A9"]);
    expect(readCertificate(ca.certificatePem).isCa).toBe(true);
    expect(() => {
      verifyIssuedBy(pem, ca.certificatePem);
    }).not.toThrow();
    expect(
      codeOf(() => {
        verifyIssuedBy(pem, ca.certificatePem, new Date(Date.now() + HOUR_MS));
      }),
    ).toBe(PkiErrorCode.Expired);
    const otherCa = await createCertificateAuthority({
      subject: { commonName: "ca" },
      validityMs: HOUR_MS,
    });
    expect(
      codeOf(() => {
        verifyIssuedBy(pem, otherCa.certificatePem);
      }),
    ).toBe(PkiErrorCode.UntrustedCertificate);
  });
});

describe("CA pins", () => {
  it("name the CA's key and reject anything not of the form sha256:<hex>", async () => {
    const ca = await createCertificateAuthority({
      subject: { commonName: "ca" },
      validityMs: HOUR_MS,
    });
    const pin = caPin(ca.certificatePem);
    expect(pin).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(readCertificate(ca.certificatePem).pin).toBe(pin);
    expect(parseCaPin(` ${pin.toUpperCase().replace("SHA256", "sha256")} `)).toBe(pin);
    expect(codeOf(() => parseCaPin("md5:abc"))).toBe(PkiErrorCode.InvalidPin);
  });
});
