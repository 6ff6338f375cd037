import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type { JoinServiceServer } from "@warren/proto";

import { Refusal } from "../errors.js";
import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import { agentIdentityMessage, issueAgentCertificate } from "./agent-certificate.js";
import { agentJoin, type AgentJoinDeps } from "./agent-join.js";
import { enrollAdminHandler } from "./enroll-admin.js";
import { reportPinMismatchHandler } from "./pin-mismatch-report.js";

export interface JoinServiceDeps extends AgentJoinDeps {
  authenticator: PeerAuthenticator;
  adminLoginTtlMs: number;
}

export function createJoinService(deps: JoinServiceDeps): JoinServiceServer {
  const { store, authorities, clock, logger } = deps;
  const log = logger.child("join");

  /** The labels the agent's cluster has now; an agent of a removed cluster has none. */
  const clusterLabels = async (clusterName: string) =>
    (await store.clusters.get(clusterName))?.labels ?? {};

  return {
    join: unaryHandler(log, "Join", agentJoin({ ...deps, logger: log })),

    renewCertificate: unaryHandler(log, "RenewCertificate", async (call) => {
      const { record } = await deps.authenticator.agent(call);
      const now = clock.now();
      const subject = { agentId: record.id, clusterName: record.clusterName };
      const certificate = issueAgentCertificate(
        authorities.view.clientIssuer,
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
      const labels = await clusterLabels(record.clusterName);
      return {
        identity: agentIdentityMessage(subject, labels, certificate, authorities.view.trusted),
      };
    }),

    getTrustBundle: unaryHandler(log, "GetTrustBundle", () =>
      Promise.resolve({ caCertificatesPem: authorities.view.trusted }),
    ),

    reportPinMismatch: reportPinMismatchHandler({ ...deps, logger: log }),

    enrollAdmin: enrollAdminHandler({ ...deps, logger: log, admins: deps.authenticator.admins }),

    checkIdentity: unaryHandler(log, "CheckIdentity", async (call) => {
      const { record, certificate } = await deps.authenticator.agent(call);
      return {
        agentId: record.id,
        clusterName: record.clusterName,
        labels: await clusterLabels(record.clusterName),
        certificateExpiresAtUnixMs: certificate.notAfter.getTime(),
        tunnel: deps.tunnel(),
        caCertificatesPem: authorities.view.trusted,
      };
    }),
  };
}
