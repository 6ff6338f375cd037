import { randomUUID } from "node:crypto";

import { status, type ServerUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type { Logger } from "@warren/log";
import type { JoinRequest, JoinResponse, TunnelInfo } from "@warren/proto";
import type { HubStore, JoinTokenRecord } from "@warren/store";

import type { HubAuthorities } from "../ca/hub-authorities.js";
import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";
import type { AuditWriter } from "../audit/audit-writer.js";
import { agentIdentityMessage, issueAgentCertificate } from "./agent-certificate.js";
import { claimCluster, clusterExistsRefusal } from "./cluster-claim.js";
import { boundedPlacement } from "../tunnel/agent-placement.js";
import { boundedVersion } from "../tunnel/heartbeats.js";
import { joinAuditEvent } from "./join-audit.js";
import { checkTokenUsable, mintHint } from "./join-token-check.js";
import { withJoinToken, type JoinProof, type TokenGuardDeps } from "./token-guard.js";

export interface AgentJoinDeps extends TokenGuardDeps {
  store: HubStore;
  authorities: HubAuthorities;
  clock: Clock;
  logger: Logger;
  audit: AuditWriter;
  agentCertificateTtlMs: number;
  tunnel: () => TunnelInfo;
}

async function joinWith(
  deps: AgentJoinDeps,
  token: JoinTokenRecord,
  request: JoinRequest,
  proof: JoinProof,
): Promise<JoinResponse> {
  const { store, authorities, clock } = deps;
  const now = clock.now();
  checkTokenUsable(token, "kube", now);
  const claim = claimCluster(token, request.clusterName, request.labels);
  const subject = { agentId: randomUUID(), clusterName: claim.clusterName };
  const certificate = issueAgentCertificate(
    authorities.view.clientIssuer,
    request.csrPem,
    subject,
    deps.agentCertificateTtlMs,
    now,
  );
  const joined = await store.agents.join({
    tokenId: token.id,
    now,
    cluster: { name: claim.clusterName, labels: claim.labels, createdAt: now, updatedAt: now },
    mayJoinExisting: claim.mayJoinExisting,
    consumesToken: proof.spendsToken,
    agent: {
      id: subject.agentId,
      clusterName: claim.clusterName,
      tokenId: token.id,
      agentVersion: boundedVersion(request.agentVersion),
      certificateSerial: certificate.info.serialNumber,
      certificatePem: certificate.pem,
      previousCertificateSerial: undefined,
      previousCertificatePem: undefined,
      certificateExpiresAt: certificate.info.notAfter,
      joinedAt: now,
      renewedAt: undefined,
      revokedAt: undefined,
      placement: boundedPlacement(request.placement),
      labelKeys: token.agentLabelKeys,
    },
  });
  if (joined.outcome === "cluster_exists") throw clusterExistsRefusal(token, claim.clusterName);
  if (joined.outcome === "token_unavailable") {
    // Another join took the last use, or it expired, since the check: say which.
    const current = await store.tokens.get(token.id);
    if (current) checkTokenUsable(current, "kube", clock.now());
    throw new Refusal(
      status.UNAUTHENTICATED,
      RefusalReason.TokenUsedUp,
      `join token ${token.id} was used up or deleted while this join ran; ` +
        mintHint("kube", token.clusterName),
    );
  }
  deps.logger.info(
    {
      agentId: subject.agentId,
      cluster: claim.clusterName,
      tokenId: token.id,
      serviceAccount: proof.serviceAccount,
      createdCluster: joined.created,
      labels: joined.cluster.labels,
    },
    "agent joined",
  );
  return {
    identity: agentIdentityMessage(
      subject,
      joined.cluster.labels,
      certificate,
      authorities.view.trusted,
    ),
    tunnel: deps.tunnel(),
  };
}

/** Join: a token, a certificate request and the cluster it asks for, for an agent identity. */
export function agentJoin(
  deps: AgentJoinDeps,
): (call: ServerUnaryCall<JoinRequest, JoinResponse>) => Promise<JoinResponse> {
  return (call) =>
    withJoinToken(deps, call, "kube", async (token, peer, proof) => {
      const response = await joinWith(deps, token, call.request, proof);
      deps.audit.add(joinAuditEvent(deps.clock.now(), token, response.identity, peer));
      return response;
    });
}
