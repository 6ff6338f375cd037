import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { identityUri } from "@warren/identity";
import type { Logger } from "@warren/log";
import { issueCertificate, readCertificate } from "@warren/pki";
import type { EnrollAdminRequest, EnrollAdminResponse } from "@warren/proto";
import type { HubStore, JoinTokenRecord } from "@warren/store";
import type { handleUnaryCall } from "@grpc/grpc-js";

import { auditEvent } from "../audit/audit-event.js";
import type { AuditWriter } from "../audit/audit-writer.js";
import type { HubAuthorities } from "../ca/hub-authorities.js";
import type { AdminIdentities } from "../grpc/admin-identities.js";
import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import { requestPublicKey } from "./agent-certificate.js";
import { quotedName } from "./cluster-claim.js";
import { checkTokenUsable, mintHint } from "./join-token-check.js";
import { withJoinToken, type JoinProof, type TokenGuardDeps } from "./token-guard.js";

export interface EnrollAdminDeps extends TokenGuardDeps {
  store: HubStore;
  authorities: HubAuthorities;
  clock: Clock;
  logger: Logger;
  audit: AuditWriter;
  /** Lifetime of an enrolled admin's certificate. */
  adminLoginTtlMs: number;
  admins: AdminIdentities;
}

/** The name the token was minted for; the enrolling side may only repeat it. */
function adminName(token: JoinTokenRecord, asked: string): string {
  if (token.adminName === undefined) {
    throw new Refusal(
      status.PERMISSION_DENIED,
      RefusalReason.TokenNameMismatch,
      `admin token ${token.id} names no admin (it predates admin names); ${mintHint("admin")}`,
    );
  }
  if (asked !== "" && asked !== token.adminName) {
    throw new Refusal(
      status.PERMISSION_DENIED,
      RefusalReason.TokenNameMismatch,
      `admin token ${token.id} was minted for admin "${token.adminName}", not ${quotedName(asked)}: ` +
        `log in with --name ${token.adminName} (or without --name), or ${mintHint("admin")}`,
    );
  }
  return token.adminName;
}

async function enroll(
  deps: EnrollAdminDeps,
  token: JoinTokenRecord,
  request: EnrollAdminRequest,
  proof: JoinProof,
): Promise<EnrollAdminResponse> {
  const { store, authorities, clock } = deps;
  const now = clock.now();
  checkTokenUsable(token, "admin", now);
  const name = adminName(token, request.name);
  const publicKeyPem = requestPublicKey(request.csrPem);
  if (proof.spendsToken && !(await store.tokens.consume(token.id, now))) {
    const current = await store.tokens.get(token.id);
    if (current) checkTokenUsable(current, "admin", clock.now());
    throw new Refusal(status.UNAUTHENTICATED, RefusalReason.TokenUsedUp, "admin token used up");
  }
  const certificatePem = issueCertificate({
    ca: authorities.view.clientIssuer,
    publicKeyPem,
    subject: { commonName: name },
    uris: [
      identityUri({
        kind: "admin",
        name,
        ...(proof.adminScope ? { scope: proof.adminScope } : {}),
      }),
    ],
    usages: ["clientAuth"],
    validityMs: deps.adminLoginTtlMs,
    now,
  });
  const expiresAt = readCertificate(certificatePem).notAfter;
  await deps.admins.issued(name, now);
  deps.logger.info(
    {
      admin: name,
      tokenId: token.id,
      serviceAccount: proof.serviceAccount,
      scope: proof.adminScope ?? "full",
      expiresAt: expiresAt.toISOString(),
    },
    "admin enrolled",
  );
  return {
    certificatePem,
    caCertificatesPem: authorities.view.trusted,
    expiresAtUnixMs: expiresAt.getTime(),
  };
}

/** EnrollAdmin: an admin token for a certificate naming the admin the token was minted for. */
export function enrollAdminHandler(
  deps: EnrollAdminDeps,
): handleUnaryCall<EnrollAdminRequest, EnrollAdminResponse> {
  return unaryHandler(deps.logger, "EnrollAdmin", (call) =>
    withJoinToken(deps, call, "admin", async (token, peer, proof) => {
      const enrolled = await enroll(deps, token, call.request, proof);
      const name = token.adminName ?? "";
      deps.audit.add(
        auditEvent({
          kind: "join",
          time: deps.clock.now(),
          user: name,
          source: peer,
          verb: "enrol",
          method: "EnrollAdmin",
          resource: "admins",
          name,
        }),
      );
      return enrolled;
    }),
  );
}
