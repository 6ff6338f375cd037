import { randomUUID } from "node:crypto";

import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { validateClusterName, validateLabels } from "@warren/identity";
import type { Logger } from "@warren/log";
import type { JoinServiceServer, TunnelInfo } from "@warren/proto";
import type { HubStore } from "@warren/store";

import type { HubCertificateAuthority } from "../ca/certificate-authority.js";
import type { Clock } from "../clock.js";
import { Refusal, validIdentityInput } from "../errors.js";
import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import type { JoinRefusals } from "./join-refusals.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import {
  agentIdentityMessage,
  issueAgentCertificate,
  type AgentSubject,
} from "./agent-certificate.js";
import { enrollAdminHandler } from "./enroll-admin.js";
import { checkJoinToken } from "./join-token-check.js";

export interface JoinServiceDeps {
  store: HubStore;
  ca: HubCertificateAuthority;
  authenticator: PeerAuthenticator;
  clock: Clock;
  logger: Logger;
  agentCertificateTtlMs: number;
  adminLoginTtlMs: number;
  /** Where agents reach the tunnel and how they know it (known once listening). */
  tunnel: () => TunnelInfo;
  joinRefusals: JoinRefusals;
}

/** Runs a join, noting a refusal for warrenctl doctor before it goes back to the agent. */
async function recordingRefusals<T>(
  deps: JoinServiceDeps,
  clusterName: string,
  peer: string,
  join: () => Promise<T>,
): Promise<T> {
  try {
    return await join();
  } catch (error) {
    if (error instanceof Refusal) {
      deps.joinRefusals.record(clusterName, error.reason, error.message, peer, deps.clock.now());
    }
    throw error;
  }
}

function validSubject(clusterName: string, labels: Record<string, string>) {
  return validIdentityInput(() => ({
    clusterName: validateClusterName(clusterName),
    labels: validateLabels(labels),
  }));
}

export function createJoinService(deps: JoinServiceDeps): JoinServiceServer {
  const { store, ca, clock, logger } = deps;
  const log = logger.child("join");

  return {
    join: unaryHandler(log, "Join", (call) =>
      recordingRefusals(deps, call.request.clusterName, call.getPeer(), async () => {
        const request = call.request;
        const now = clock.now();
        const token = await checkJoinToken(store, request.token, "kube", now);
        // The token's labels are the admin's word; they win over what the agent asks for.
        const { clusterName, labels } = validSubject(request.clusterName, {
          ...request.labels,
          ...token.labels,
        });
        const subject: AgentSubject = { agentId: randomUUID(), clusterName, labels };
        const certificate = issueAgentCertificate(
          ca,
          request.csrPem,
          subject,
          deps.agentCertificateTtlMs,
          now,
        );
        const outcome = await store.agents.join(token.id, now, {
          id: subject.agentId,
          clusterName,
          labels,
          tokenId: token.id,
          agentVersion: request.agentVersion,
          certificateSerial: certificate.info.serialNumber,
          certificatePem: certificate.pem,
          previousCertificateSerial: undefined,
          previousCertificatePem: undefined,
          certificateExpiresAt: certificate.info.notAfter,
          joinedAt: now,
          renewedAt: undefined,
          revokedAt: undefined,
        });
        if (outcome === "token_unavailable") {
          // Another join took the last use, or it expired, since the check: say which.
          await checkJoinToken(store, request.token, "kube", clock.now());
          throw new Refusal(
            status.UNAUTHENTICATED,
            RefusalReason.TokenUsedUp,
            "join token used up",
          );
        }
        log.info(
          { agentId: subject.agentId, cluster: clusterName, tokenId: token.id, labels },
          "agent joined",
        );
        return {
          identity: agentIdentityMessage(subject, certificate, ca.certificatePem),
          tunnel: deps.tunnel(),
        };
      }),
    ),

    renewCertificate: unaryHandler(log, "RenewCertificate", async (call) => {
      const { record } = await deps.authenticator.agent(call);
      const now = clock.now();
      const subject: AgentSubject = {
        agentId: record.id,
        clusterName: record.clusterName,
        labels: record.labels,
      };
      const certificate = issueAgentCertificate(
        ca,
        call.request.csrPem,
        subject,
        deps.agentCertificateTtlMs,
        now,
      );
      const renewed = await store.agents.recordRenewal(record.id, {
        serial: certificate.info.serialNumber,
        certificatePem: certificate.pem,
        expiresAt: certificate.info.notAfter,
        renewedAt: now,
      });
      if (!renewed) {
        throw new Refusal(
          status.PERMISSION_DENIED,
          RefusalReason.IdentityRevoked,
          `agent ${record.id} was revoked`,
        );
      }
      log.info(
        {
          agentId: record.id,
          cluster: record.clusterName,
          expiresAt: certificate.info.notAfter.toISOString(),
        },
        "renewed agent certificate",
      );
      return { identity: agentIdentityMessage(subject, certificate, ca.certificatePem) };
    }),

    enrollAdmin: enrollAdminHandler({ ...deps, logger: log }),

    checkIdentity: unaryHandler(log, "CheckIdentity", async (call) => {
      const { record, certificate } = await deps.authenticator.agent(call);
      return {
        agentId: record.id,
        clusterName: record.clusterName,
        labels: record.labels,
        certificateExpiresAtUnixMs: certificate.notAfter.getTime(),
        tunnel: deps.tunnel(),
      };
    }),
  };
}
