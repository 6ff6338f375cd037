import { createPublicKey, generateKeyPairSync, verify } from "node:crypto";

import { generateEd25519KeyPair, generateKeyPair } from "@warren/pki";
import { describe, expect, it } from "vitest";

import { sshPublicKey, sshSigningKey, verifySshSignature } from "./ssh-keys.js";

describe("SSH keys", () => {
  it("signs with an Ed25519 key as ssh2 expects, from PKCS#8 PEM", async () => {
    const keys = await generateEd25519KeyPair();
    const key = sshSigningKey(keys.privateKeyPem);
    expect(key.type).toBe("ssh-ed25519");
    expect(key.getPublicSSH().equals(sshPublicKey(keys.publicKeyPem))).toBe(true);
    const data = Buffer.from("exchange hash");
    const signature = key.sign(data);
    expect(verify(null, data, keys.publicKeyPem, signature)).toBe(true);
    // ssh2's own check, as an agent makes it of the hub's handshake.
    expect(key.verify(data, signature)).toBe(true);
    expect(key.verify(Buffer.from("another hash"), signature)).toBe(false);
  });

  it("signs with an ECDSA P-256 key as ssh2 expects, from PKCS#8 PEM", () => {
    // A hub of one earlier version had such a host key.
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const keys = {
      privateKeyPem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
    const key = sshSigningKey(keys.privateKeyPem);
    expect(key.type).toBe("ecdsa-sha2-nistp256");
    expect(key.getPublicSSH().equals(sshPublicKey(keys.publicKeyPem))).toBe(true);
    const data = Buffer.from("exchange hash");
    expect(verify("sha256", data, keys.publicKeyPem, key.sign(data))).toBe(true);
  });

  it("signs with an RSA key by the hash asked for, which the hub's check accepts", async () => {
    const keys = await generateKeyPair();
    const key = sshSigningKey(keys.privateKeyPem);
    const data = Buffer.from("session id and request");
    const signature = key.sign(data, "sha512");
    expect(verifySshSignature(sshPublicKey(keys.publicKeyPem), data, signature, "sha512")).toBe(
      true,
    );
    expect(verifySshSignature(sshPublicKey(keys.publicKeyPem), data, signature, "sha256")).toBe(
      false,
    );
    // The same with the key parsed, as the hub has it from the agent's certificate.
    const parsed = createPublicKey(keys.publicKeyPem);
    expect(verifySshSignature(parsed, data, signature, "sha512")).toBe(true);
    expect(verifySshSignature(parsed, data, signature, "sha256")).toBe(false);
  });
});
