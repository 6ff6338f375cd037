import type { KeyObject } from "node:crypto";

import { readCertifiedKey } from "@warren/pki";
import type { AgentRecord, HubStore } from "@warren/store";
import { sshPublicKey, type TunnelAuthResult } from "@warren/tunnel";

import type { Clock } from "../clock.js";

interface AgentKey {
  sshKey: Buffer;
  publicKey: KeyObject;
  expiresAt: Date;
}

const PARSED_LIMIT = 50_000;

function certificateKey(parsed: Map<string, AgentKey>, certificatePem: string): AgentKey {
  const cached = parsed.get(certificatePem);
  if (cached) return cached;
  const { publicKey, notAfter } = readCertifiedKey(certificatePem);
  const key = { sshKey: sshPublicKey(publicKey), publicKey, expiresAt: notAfter };
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(certificatePem, key);
  return key;
}

/**
 * Accepts an agent on the tunnel only with the key of a certificate the hub issued it (the
 * current one, or the one before while it is valid), when the agent is not revoked. Every
 * refusal says why, for the hub's log.
 */
export function tunnelAuthenticator(store: HubStore, clock: Clock) {
  // Parsed once per certificate, and cheaply (readCertifiedKey): after a hub restart every
  // agent authenticates at once, and X509Certificate was a seventh of the hub's time in
  // that storm.
  const parsed = new Map<string, AgentKey>();
  return async (agentId: string, publicKey: Buffer): Promise<TunnelAuthResult<AgentRecord>> => {
    const record = await store.agents.get(agentId);
    if (!record) {
      const named = JSON.stringify(agentId.slice(0, 64));
      return { accepted: false, reason: `no agent ${named} is registered with this hub` };
    }
    if (record.revokedAt) {
      return {
        accepted: false,
        reason: `agent ${agentId} was revoked at ${record.revokedAt.toISOString()}`,
      };
    }
    const certificates = [record.certificatePem, record.previousCertificatePem].filter(
      (pem): pem is string => pem !== undefined && pem !== "",
    );
    // Read in turn: most agents present their current certificate's key.
    let matching: AgentKey | undefined;
    for (const pem of certificates) {
      const key = certificateKey(parsed, pem);
      if (key.sshKey.equals(publicKey)) {
        matching = key;
        break;
      }
    }
    if (!matching) {
      return {
        accepted: false,
        reason: `agent ${agentId} presented a key that no certificate of its certifies`,
      };
    }
    if (matching.expiresAt <= clock.now()) {
      return {
        accepted: false,
        reason: `agent ${agentId}'s certificate expired at ${matching.expiresAt.toISOString()}: it must re-join`,
      };
    }
    return { accepted: true, peer: record, publicKey: matching.publicKey };
  };
}
