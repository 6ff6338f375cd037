import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { connect, createServer, type Server } from "node:tls";

import {
  createCertificateAuthority,
  generateKeyPair,
  issueCertificate,
  type CertificateAuthority,
  type ExtendedKeyUsage,
} from "@warren/pki";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { checkHubServerCertificate } from "./channel.js";

let ca: CertificateAuthority;
let server: Server | undefined;

beforeAll(async () => {
  ca = await createCertificateAuthority({ subject: { commonName: "hub-ca" }, validityMs: 60_000 });
});

afterEach(() => {
  server?.close();
});

/** Serves `usage` certificate for 127.0.0.1 and reports what the hub check says of it. */
async function checkServedCertificate(usage: ExtendedKeyUsage, dialled: string): Promise<string> {
  const keys = await generateKeyPair();
  const cert = issueCertificate({
    ca,
    publicKeyPem: keys.publicKeyPem,
    subject: { commonName: "x" },
    ipAddresses: ["127.0.0.1"],
    usages: [usage],
    validityMs: 60_000,
  });
  server = createServer({ cert, key: keys.privateKeyPem });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const socket = connect({
    host: "127.0.0.1",
    port: (server.address() as AddressInfo).port,
    ca: ca.certificatePem,
    checkServerIdentity: (_host, peer) => checkHubServerCertificate(dialled, peer),
  });
  try {
    await once(socket, "secureConnect");
    return "accepted";
  } catch (error) {
    return (error as Error).message;
  } finally {
    socket.destroy();
  }
}

describe("checkHubServerCertificate", () => {
  it("accepts the hub's serving certificate for the address dialled", async () => {
    expect(await checkServedCertificate("serverAuth", "127.0.0.1")).toBe("accepted");
  });

  it("refuses a certificate from the same CA that is not for serving, such as an agent's", async () => {
    expect(await checkServedCertificate("clientAuth", "127.0.0.1")).toBe(
      "unsuitable certificate purpose",
    );
  });

  it("refuses a serving certificate for another address", async () => {
    expect(await checkServedCertificate("serverAuth", "10.0.0.1")).toContain(
      "IP: 10.0.0.1 is not in the cert's list",
    );
  });
});
