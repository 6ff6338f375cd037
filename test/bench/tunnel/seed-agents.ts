import { createPublicKey, randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import { identityUri } from "@warren/identity";
import { TUNNEL_ED25519_HOST_KEY_NAME, TUNNEL_HOST_KEY_NAME } from "@warren/hub";
import { generateKeyPair, issueCertificate, readCertificate } from "@warren/pki";
import { openSqliteStore } from "@warren/store";
import { sshPublicKey } from "@warren/tunnel";

/** What the simulated agents need: who they are, their key, and the host key to accept. */
export interface SimulationConfig {
  tunnelAddr: string;
  agentIds: string[];
  privateKeyPem: string;
  /** SSH wire forms (base64) of the hub's host keys. */
  hostKeys: string[];
}

/**
 * Registers `count` agents straight into a stopped hub's store, each with a certificate from
 * its CA. They share one key: making ten thousand RSA keys would take the benchmark minutes
 * and measures nothing about the hub.
 */
export async function seedAgents(
  dataDir: string,
  count: number,
  tunnelAddr: string,
): Promise<string> {
  const store = openSqliteStore({ path: join(dataDir, "hub.db") });
  try {
    const ca = await store.certificateAuthority.get();
    const hostKeys = await Promise.all(
      [TUNNEL_HOST_KEY_NAME, TUNNEL_ED25519_HOST_KEY_NAME].map((name) => store.keys.get(name)),
    );
    if (!ca || hostKeys.includes(undefined))
      throw new Error("start the hub once first: its CA and host keys are missing");
    const keys = await generateKeyPair();
    const now = new Date();
    const tokenId = "5eed5eed5eed5eed";
    await store.tokens.create({
      id: tokenId,
      type: "kube",
      secretHash: "00".repeat(32),
      expiresAt: new Date(now.getTime() + 3_600_000),
      usesTotal: count,
      usesRemaining: count,
      labels: {},
      // Unbound (as tokens minted before clusters had owners): the store's join is what runs.
      clusterName: undefined,
      agentLabelKeys: [],
      adminName: undefined,
      createdAt: now,
    });
    const agentIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const agentId = randomUUID();
      const clusterName = `sim-${i % 100}`;
      const certificatePem = issueCertificate({
        ca,
        publicKeyPem: keys.publicKeyPem,
        subject: { commonName: agentId },
        uris: [identityUri({ kind: "agent", agentId, clusterName })],
        usages: ["clientAuth"],
        validityMs: 24 * 3_600_000,
        now,
      });
      const info = readCertificate(certificatePem);
      const agent = {
        id: agentId,
        clusterName,
        tokenId,
        agentVersion: "simulated",
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
      const cluster = { name: clusterName, labels: {}, createdAt: now, updatedAt: now };
      await store.agents.join({ tokenId, now, agent, cluster, mayJoinExisting: true });
      agentIds.push(agentId);
    }
    const config: SimulationConfig = {
      tunnelAddr,
      agentIds,
      privateKeyPem: keys.privateKeyPem,
      // Both, as a real agent accepts them (it is served with the Ed25519 one).
      hostKeys: hostKeys.map((key) =>
        sshPublicKey(createPublicKey(key?.privateKeyPem ?? "")).toString("base64"),
      ),
    };
    const path = join(dataDir, "..", "simulation.json");
    await writeFile(path, JSON.stringify(config));
    return path;
  } finally {
    await store.close();
  }
}
