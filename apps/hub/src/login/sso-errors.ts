import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";

import { Refusal } from "../errors.js";

/** A login the provider's answer does not support: names the check that failed. */
export const ssoFailed = (message: string): Refusal =>
  new Refusal(status.PERMISSION_DENIED, RefusalReason.SsoFailed, message);

/** The provider could not be reached or answered nonsense: not the user's fault. */
export const providerUnavailable = (connector: string, cause: unknown): Refusal =>
  new Refusal(
    status.UNAVAILABLE,
    RefusalReason.SsoFailed,
    `the identity provider of connector ${connector} cannot be used: ${(cause as Error).message} ` +
      "(check its issuer_url and that the hub can reach it)",
  );

interface CodedError {
  code?: unknown;
  message?: unknown;
  claim?: unknown;
  claims?: Record<string, unknown>;
  cause?: unknown;
}

/** The claim a check names and the claims it saw, wherever in the cause chain they are. */
function checkedClaim(error: CodedError): { claim: unknown; claims: Record<string, unknown> } {
  let claim: unknown;
  let claims: Record<string, unknown> = {};
  for (let e: CodedError | undefined = error, depth = 0; e && depth < 4; depth++) {
    claim ??= e.claim;
    if (e.claims) claims = e.claims;
    e = typeof e.cause === "object" && e.cause !== null ? e.cause : undefined;
  }
  return { claim, claims };
}

/**
 * The ID token failed a check (in openid-client or jose): which one, in words an admin can act
 * on. Anything else is undefined (not a token problem).
 */
export function idTokenProblem(
  error: unknown,
  connector: string,
  clientId: string,
): string | undefined {
  const e = error as CodedError;
  const { claim, claims } = checkedClaim(e);
  const aud = JSON.stringify(claims.aud ?? "?");
  switch (e.code) {
    case "ERR_JWT_EXPIRED":
      return `the identity provider's ID token has expired: log in again (if it keeps happening, this hub's clock or the provider's is wrong)`;
    case "ERR_JWKS_NO_MATCHING_KEY":
      return `the ID token is signed by a key the identity provider does not publish (its jwks_uri): it did not come from the issuer of connector ${connector}`;
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
    case "ERR_JWS_INVALID":
      return `the ID token's signature does not verify with the identity provider's keys: it was altered or forged`;
    case "OAUTH_JWT_TIMESTAMP_CHECK_FAILED":
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
    case "OAUTH_JWT_CLAIM_COMPARISON_FAILED":
      if (claim === "exp") return idTokenProblem({ code: "ERR_JWT_EXPIRED" }, connector, clientId);
      if (claim === "aud") {
        return `the ID token is for another audience (${aud}), not client_id ${JSON.stringify(clientId)} of connector ${connector}: a token issued to another application`;
      }
      return `the ID token's "${String(claim)}" claim is not what this login expects (${String(e.message)})`;
    default:
      return undefined;
  }
}
