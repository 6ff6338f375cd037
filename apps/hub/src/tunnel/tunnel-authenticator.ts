import { X509Certificate } from "node:crypto";

import type { AgentRecord, HubStore } from "@warren/store";
import { sshPublicKey, type TunnelAuthResult } from "@warren/tunnel";

import type { Clock } from "../clock.js";

function certificateKey(certificatePem: string): { sshKey: Buffer; expiresAt: Date } {
  const cert = new X509Certificate(certificatePem);
  const publicKeyPem = cert.publicKey.export({ type: "spki", format: "pem" }).toString();
  return { sshKey: sshPublicKey(publicKeyPem), expiresAt: new Date(cert.validTo) };
}

/**
 * Accepts an agent on the tunnel only with the key of a certificate the hub issued it (the
 * current one, or the one before while it is valid), when the agent is not revoked. Every
 * refusal says why, for the hub's log.
 */
export function tunnelAuthenticator(store: HubStore, clock: Clock) {
  return async (agentId: string, publicKey: Buffer): Promise<TunnelAuthResult<AgentRecord>> => {
    const record = await store.agents.get(agentId);
    if (!record)
      return { accepted: false, reason: `no agent ${agentId} is registered with this hub` };
    if (record.revokedAt) {
      return {
        accepted: false,
        reason: `agent ${agentId} was revoked at ${record.revokedAt.toISOString()}`,
      };
    }
    const certificates = [record.certificatePem, record.previousCertificatePem].filter(
      (pem): pem is string => pem !== undefined && pem !== "",
    );
    const matching = certificates.map(certificateKey).find((cert) => cert.sshKey.equals(publicKey));
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
    return { accepted: true, peer: record };
  };
}
