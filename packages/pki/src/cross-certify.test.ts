import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { connect, createServer } from "node:tls";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { caPin } from "./ca-pin.js";
import {
  createCertificateAuthority,
  crossCertify,
  type CertificateAuthority,
} from "./certificate-authority.js";
import { PkiError, PkiErrorCode } from "./errors.js";
import { issueCertificate } from "./issue-certificate.js";
import { generateKeyPair } from "./key-pair.js";
import { issuerIn, verifyIssuedBy } from "./read-certificate.js";

const DAY_MS = 24 * 3_600_000;

describe("a CA rotation's certificates", () => {
  let old: CertificateAuthority;
  let next: CertificateAuthority;
  let cross: string;
  let leaf: { certificatePem: string; privateKeyPem: string };
  const server = createServer();

  beforeAll(async () => {
    old = await createCertificateAuthority({
      subject: { commonName: "old CA" },
      validityMs: DAY_MS,
    });
    next = await createCertificateAuthority({
      subject: { commonName: "new CA" },
      validityMs: DAY_MS,
    });
    cross = crossCertify(next, old);
    const keys = await generateKeyPair();
    leaf = {
      privateKeyPem: keys.privateKeyPem,
      certificatePem: issueCertificate({
        ca: next,
        publicKeyPem: keys.publicKeyPem,
        subject: { commonName: "localhost" },
        dnsNames: ["localhost"],
        usages: ["serverAuth"],
        validityMs: DAY_MS,
      }),
    };
    server.setSecureContext({ cert: leaf.certificatePem + cross, key: leaf.privateKeyPem });
    server.on("secureConnection", (socket) => socket.end("hello"));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
  });

  afterAll(() => {
    server.close();
  });

  it("cross-certifies the new CA's key under the old CA's name", () => {
    const crossCert = new X509Certificate(cross);
    expect(crossCert.ca).toBe(true);
    expect(crossCert.subject).toBe("CN=new CA");
    expect(crossCert.issuer).toBe("CN=old CA");
    expect(crossCert.verify(new X509Certificate(old.certificatePem).publicKey)).toBe(true);
    // The same key, so the same pin: agents pin keys, not certificates.
    expect(caPin(cross)).toBe(caPin(next.certificatePem));
  });

  const handshake = async (ca: string) => {
    const { port } = server.address() as AddressInfo;
    const socket = connect({ host: "127.0.0.1", port, servername: "localhost", ca });
    try {
      const [data] = (await once(socket, "data")) as [Buffer];
      return data.toString();
    } finally {
      socket.destroy();
    }
  };

  it("serves one chain that clients of either CA verify", async () => {
    expect(await handshake(old.certificatePem)).toBe("hello");
    expect(await handshake(next.certificatePem)).toBe("hello");
    const other = await createCertificateAuthority({
      subject: { commonName: "other" },
      validityMs: DAY_MS,
    });
    await expect(handshake(other.certificatePem)).rejects.toThrow(/unable to (get|verify)/);
  });

  it("verifies against any CA of a bundle and names the one that issued", () => {
    const bundle = old.certificatePem + next.certificatePem;
    expect(() => {
      verifyIssuedBy(leaf.certificatePem, bundle);
    }).not.toThrow();
    expect(issuerIn(leaf.certificatePem, bundle)).toBe(next.certificatePem);
    expect(issuerIn(leaf.certificatePem, old.certificatePem)).toBeUndefined();
    let refused: unknown;
    try {
      verifyIssuedBy(leaf.certificatePem, old.certificatePem);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(PkiError);
    expect((refused as PkiError).code).toBe(PkiErrorCode.UntrustedCertificate);
  });

  it("says a certificate from a bundle's CA expired rather than that another CA did not sign it", () => {
    const bundle = next.certificatePem + old.certificatePem;
    const later = new Date(Date.now() + 2 * DAY_MS);
    expect(() => {
      verifyIssuedBy(leaf.certificatePem, bundle, later);
    }).toThrow(/expired/);
  });
});
