import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:tls";

import { createCertificateAuthority, generateKeyPair, issueCertificate } from "@warren/pki";
import { afterEach, describe, expect, it } from "vitest";

import { fetchPresentedCertificates } from "./presented-certificates.js";

let server: Server | undefined;

afterEach(() => {
  server?.close();
});

async function serve(cert: string, key: string): Promise<number> {
  server = createServer({ cert, key });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

describe("fetchPresentedCertificates", () => {
  it("finds the CA at the top of the chain a server sends, without trusting it", async () => {
    const ca = await createCertificateAuthority({
      subject: { commonName: "hub-ca" },
      validityMs: 60_000,
    });
    const keys = await generateKeyPair();
    const leaf = issueCertificate({
      ca,
      publicKeyPem: keys.publicKeyPem,
      subject: { commonName: "hub" },
      ipAddresses: ["127.0.0.1"],
      usages: ["serverAuth"],
      validityMs: 60_000,
    });
    const port = await serve(leaf + ca.certificatePem, keys.privateKeyPem);
    const presented = await fetchPresentedCertificates({ host: "127.0.0.1", port });
    expect(presented.leafPem).toBe(leaf);
    expect(presented.rootPem).toBe(ca.certificatePem);
  });

  it("says so when nothing listens", async () => {
    const port = await serve(...(await selfSigned()));
    const closed = server;
    server = undefined;
    closed?.close();
    if (closed) await once(closed, "close");
    await expect(fetchPresentedCertificates({ host: "127.0.0.1", port })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});

async function selfSigned(): Promise<[string, string]> {
  const ca = await createCertificateAuthority({ subject: { commonName: "x" }, validityMs: 60_000 });
  return [ca.certificatePem, ca.privateKeyPem];
}
