// Which of the hub's host keys each generation of agent is served with: a real ssh2 client
// against the real server, stopped at the host key check (before authentication).
import { generateEd25519KeyPair, generateKeyPair, type KeyPair } from "@warren/pki";
import ssh2 from "ssh2";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { hostKeyAlgorithmsFor } from "./ssh-algorithms.js";
import { sshPublicKey } from "./ssh-keys.js";
import { sshKeyType } from "./ssh-wire.js";
import { TunnelServer } from "./tunnel-server.js";

let rsa: KeyPair;
let ed25519: KeyPair;
const servers: TunnelServer<never>[] = [];

beforeAll(async () => {
  [rsa, ed25519] = await Promise.all([generateKeyPair(), generateEd25519KeyPair()]);
});

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function hubPort(): Promise<number> {
  const server = new TunnelServer<never>({
    hostKeyPems: [rsa.privateKeyPem, ed25519.privateKeyPem],
    authenticate: () => Promise.resolve({ accepted: false, reason: "not needed here" }),
    onTunnel: () => undefined,
    keepalive: { intervalMs: 1000, timeoutMs: 5000 },
  });
  servers.push(server);
  return server.listen("127.0.0.1", 0);
}

/** The host key the hub presents to a client offering `serverHostKey`, in that order. */
async function presentedKey(serverHostKey: ssh2.ServerHostKeyAlgorithm[]): Promise<Buffer> {
  const port = await hubPort();
  return new Promise<Buffer>((resolve, reject) => {
    const client = new ssh2.Client();
    client.on("error", () => undefined);
    client.on("close", () => {
      reject(new Error("closed before the host key check"));
    });
    client.connect({
      host: "127.0.0.1",
      port,
      username: "agent",
      algorithms: { serverHostKey },
      hostVerifier: (key: Buffer) => {
        resolve(key);
        return false;
      },
    });
  });
}

describe("the hub's host keys", () => {
  it("serves agents of this version, which accept both, with the Ed25519 key", async () => {
    const accepted = [sshPublicKey(rsa.publicKeyPem), sshPublicKey(ed25519.publicKeyPem)];
    expect(hostKeyAlgorithmsFor(accepted)).toEqual(["ssh-ed25519", "rsa-sha2-256", "rsa-sha2-512"]);
    const key = await presentedKey(hostKeyAlgorithmsFor(accepted));
    expect(key.equals(sshPublicKey(ed25519.publicKeyPem))).toBe(true);
  });

  it("serves agents that read only the RSA certificate and offer ECDSA first with RSA", async () => {
    // What agents offered before TunnelInfo named every host key.
    const key = await presentedKey(["ecdsa-sha2-nistp256", "rsa-sha2-256", "rsa-sha2-512"]);
    expect(key.equals(sshPublicKey(rsa.publicKeyPem))).toBe(true);
  });

  it("serves agents that offer RSA only with RSA", async () => {
    const key = await presentedKey(["rsa-sha2-512", "rsa-sha2-256"]);
    expect(sshKeyType(key)).toBe("ssh-rsa");
  });

  it("offers only the algorithms of the keys an agent accepts", () => {
    expect(hostKeyAlgorithmsFor([sshPublicKey(rsa.publicKeyPem)])).toEqual([
      "rsa-sha2-256",
      "rsa-sha2-512",
    ]);
    expect(hostKeyAlgorithmsFor([sshPublicKey(ed25519.publicKeyPem)])).toEqual(["ssh-ed25519"]);
  });
});
