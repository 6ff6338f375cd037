import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { identityUri, validatePrincipalName } from "@warren/identity";
import type { Logger } from "@warren/log";
import { issueCertificate, readCertificate } from "@warren/pki";
import type { EnrollAdminRequest, EnrollAdminResponse } from "@warren/proto";
import type { HubStore } from "@warren/store";
import type { handleUnaryCall } from "@grpc/grpc-js";

import type { HubCertificateAuthority } from "../ca/certificate-authority.js";
import type { Clock } from "../clock.js";
import { Refusal, validIdentityInput } from "../errors.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import { requestPublicKey } from "./agent-certificate.js";
import { checkJoinToken } from "./join-token-check.js";

export interface EnrollAdminDeps {
  store: HubStore;
  ca: HubCertificateAuthority;
  clock: Clock;
  logger: Logger;
  /** Lifetime of an enrolled admin's certificate; short, as there is no revocation list. */
  adminLoginTtlMs: number;
}

export function enrollAdminHandler(
  deps: EnrollAdminDeps,
): handleUnaryCall<EnrollAdminRequest, EnrollAdminResponse> {
  const { store, ca, clock, logger } = deps;
  return unaryHandler(logger, "EnrollAdmin", async (call) => {
    const now = clock.now();
    const token = await checkJoinToken(store, call.request.token, "admin", now);
    const name = validIdentityInput(() => validatePrincipalName(call.request.name));
    const publicKeyPem = requestPublicKey(call.request.csrPem);
    if (!(await store.tokens.consume(token.id, now))) {
      await checkJoinToken(store, call.request.token, "admin", clock.now());
      throw new Refusal(status.UNAUTHENTICATED, RefusalReason.TokenUsedUp, "admin token used up");
    }
    const certificatePem = issueCertificate({
      ca,
      publicKeyPem,
      subject: { commonName: name },
      uris: [identityUri({ kind: "admin", name })],
      usages: ["clientAuth"],
      validityMs: deps.adminLoginTtlMs,
      now,
    });
    const expiresAt = readCertificate(certificatePem).notAfter;
    logger.info(
      { admin: name, tokenId: token.id, expiresAt: expiresAt.toISOString() },
      "admin enrolled",
    );
    return {
      certificatePem,
      caCertificatesPem: [ca.certificatePem],
      expiresAtUnixMs: expiresAt.getTime(),
    };
  });
}
