import { createPublicKey, verify } from "node:crypto";

import { generateEcKeyPair, generateKeyPair } from "@warren/pki";
import { describe, expect, it } from "vitest";

import { sshPublicKey, sshSigningKey, verifySshSignature } from "./ssh-keys.js";

describe("SSH keys", () => {
  it("signs with an ECDSA P-256 key as ssh2 expects, from PKCS#8 PEM", async () => {
    const keys = await generateEcKeyPair();
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
