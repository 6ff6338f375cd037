import { createPublicKey } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { identityUri } from "@warren/identity";
import {
  createCertificateAuthority,
  generateKeyPair,
  issueCertificate,
  readCertificate,
  type KeyPair,
} from "@warren/pki";
import { openSqliteStore, type AgentRecord, type HubStore } from "@warren/store";
import { sshPublicKey } from "@warren/tunnel";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { tunnelAuthenticator } from "./tunnel-authenticator.js";

const HOUR_MS = 3_600_000;
let dir: string;
let store: HubStore;
let agentKeys: KeyPair;
let now = new Date("2026-06-01T00:00:00Z");
const clock = { now: () => now };

async function registerAgent(id: string): Promise<AgentRecord> {
  const ca = await createCertificateAuthority({
    subject: { commonName: "ca" },
    validityMs: 24 * HOUR_MS,
    now,
  });
  const certificatePem = issueCertificate({
    ca,
    publicKeyPem: agentKeys.publicKeyPem,
    subject: { commonName: id },
    uris: [identityUri({ kind: "agent", agentId: id, clusterName: "c" })],
    usages: ["clientAuth"],
    validityMs: HOUR_MS,
    now,
  });
  const info = readCertificate(certificatePem);
  const record: AgentRecord = {
    id,
    clusterName: "c",
    tokenId: "t",
    agentVersion: "1",
    certificateSerial: info.serialNumber,
    certificatePem,
    previousCertificateSerial: undefined,
    previousCertificatePem: undefined,
    certificateExpiresAt: info.notAfter,
    joinedAt: now,
    renewedAt: undefined,
    revokedAt: undefined,
    placement: {},
    labelKeys: [],
  };
  await store.tokens
    .create({
      id: "t",
      type: "kube",
      secretHash: "00",
      expiresAt: new Date(now.getTime() + HOUR_MS),
      usesTotal: 9,
      usesRemaining: 9,
      labels: {},
      clusterName: "c",
      agentLabelKeys: [],
      adminName: undefined,
      createdAt: now,
    })
    .catch(() => undefined);
  const cluster = { name: "c", labels: {}, createdAt: now, updatedAt: now };
  await store.agents.join({ tokenId: "t", now, agent: record, cluster, mayJoinExisting: true });
  return record;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-tunnel-auth-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
  agentKeys = await generateKeyPair();
  now = new Date("2026-06-01T00:00:00Z");
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("tunnelAuthenticator", () => {
  it("accepts an agent with the key of its certificate", async () => {
    await registerAgent("a1");
    const result = await tunnelAuthenticator(store, clock)(
      "a1",
      sshPublicKey(agentKeys.publicKeyPem),
    );
    expect(result).toMatchObject({ accepted: true, peer: { id: "a1" } });
  });

  it("refuses, saying why, an unknown agent, a revoked one, a foreign key and an expired certificate", async () => {
    await registerAgent("a1");
    const authenticate = tunnelAuthenticator(store, clock);
    const key = sshPublicKey(agentKeys.publicKeyPem);
    const other = sshPublicKey(
      createPublicKey((await generateKeyPair()).publicKeyPem)
        .export({ type: "spki", format: "pem" })
        .toString(),
    );
    expect(await authenticate("nobody", key)).toEqual({
      accepted: false,
      reason: 'no agent "nobody" is registered with this hub',
    });
    // The name is the caller's: a long one is cut before it reaches the hub's log.
    const long = await authenticate("x".repeat(10_000), key);
    expect(long.accepted || long.reason).toBe(
      `no agent "${"x".repeat(64)}" is registered with this hub`,
    );
    expect(await authenticate("a1", other)).toEqual({
      accepted: false,
      reason: "agent a1 presented a key that no certificate of its certifies",
    });
    now = new Date(now.getTime() + 2 * HOUR_MS);
    expect(await authenticate("a1", key)).toMatchObject({
      accepted: false,
      reason: expect.stringContaining("certificate expired at") as unknown,
    });
    await store.agents.revoke("a1", now);
    expect(await authenticate("a1", key)).toMatchObject({
      accepted: false,
      reason: expect.stringContaining("was revoked at") as unknown,
    });
  });
});
