import {
  createCertificateAuthority,
  generateEd25519KeyPair,
  generateKeyPair,
  issueCertificate,
  type CertificateAuthority,
  type KeyPair,
} from "@warren/pki";
import { sshPublicKey } from "@warren/tunnel";
import { beforeAll, describe, expect, it } from "vitest";

import { AgentErrorCode } from "../errors.js";
import { certifiedHostKeys } from "./certified-host-keys.js";

const DAY_MS = 24 * 3_600_000;
let ca: CertificateAuthority;
let rsa: KeyPair;
let ed25519: KeyPair;

function certify(
  key: KeyPair,
  usages: ("serverAuth" | "clientAuth")[] = ["serverAuth"],
  by = ca,
): string {
  return issueCertificate({
    ca: by,
    publicKeyPem: key.publicKeyPem,
    subject: { commonName: "warren-hub tunnel host key" },
    usages,
    validityMs: DAY_MS,
    now: new Date(),
  });
}

beforeAll(async () => {
  [ca, rsa, ed25519] = await Promise.all([
    createCertificateAuthority({ subject: { commonName: "test hub CA" }, validityMs: DAY_MS }),
    generateKeyPair(),
    generateEd25519KeyPair(),
  ]);
});

describe("the hub's certified host keys", () => {
  it("are every key the hub names, when it names them all", () => {
    const keys = certifiedHostKeys(
      {
        addr: "hub:4024",
        hostCertificatePem: certify(rsa),
        hostCertificatePems: [certify(rsa), certify(ed25519)],
      },
      ca.certificatePem,
    );
    expect(keys).toEqual([sshPublicKey(rsa.publicKeyPem), sshPublicKey(ed25519.publicKeyPem)]);
  });

  it("are its one key, from a hub of an earlier version", () => {
    const keys = certifiedHostKeys(
      { addr: "hub:4024", hostCertificatePem: certify(rsa), hostCertificatePems: [] },
      ca.certificatePem,
    );
    expect(keys).toEqual([sshPublicKey(rsa.publicKeyPem)]);
  });

  it("are refused whole when one certificate is from another CA or not for serving", async () => {
    const other = await createCertificateAuthority({
      subject: { commonName: "another CA" },
      validityMs: DAY_MS,
    });
    const tunnel = (second: string) => ({
      addr: "hub:4024",
      hostCertificatePem: certify(rsa),
      hostCertificatePems: [certify(rsa), second],
    });
    expect(() =>
      certifiedHostKeys(tunnel(certify(ed25519, ["serverAuth"], other)), ca.certificatePem),
    ).toThrow(
      expect.objectContaining({
        code: AgentErrorCode.CaMismatch,
        message: expect.stringContaining("not from the CA this agent trusts") as unknown,
      }),
    );
    expect(() =>
      certifiedHostKeys(tunnel(certify(ed25519, ["clientAuth"])), ca.certificatePem),
    ).toThrow("the hub's tunnel certificate is not a server certificate");
  });
});
