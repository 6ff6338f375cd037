import { status } from "@grpc/grpc-js";
import { formatDuration } from "@warren/config";
import { RefusalReason } from "@warren/hub-client";
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from "jose";

import { Refusal } from "../errors.js";
import type { KubernetesJoinRule } from "./provision-token-document.js";

/** Longer-lived tokens are refused: a leaked one must not stay useful (projected tokens renew). */
export const MAX_SERVICE_ACCOUNT_TOKEN_TTL_MS = 30 * 60_000;
const SUBJECT_PREFIX = "system:serviceaccount:";

/** Asks the hub's own cluster whether a token is valid for `audience` (a TokenReview). */
export type TokenReviewer = (
  token: string,
  audience: string,
) => Promise<{ authenticated: boolean; username: string; error: string }>;

export interface ServiceAccountTokenCheck {
  /** The provision token's name, for messages. */
  tokenName: string;
  rule: KubernetesJoinRule;
  /** The hub's name: the audience the token must carry. */
  audience: string;
  now: Date;
  review: TokenReviewer;
}

/**
 * A refusal of a ServiceAccount token. `signed`: the token was proven to come from the
 * trusted cluster before a later check failed. Only such refusals may be recorded for doctor:
 * before that, anyone who knows a provision token's name (no secret) chose every word.
 */
export class ServiceAccountRefusal extends Refusal {
  constructor(
    grpcCode: status,
    reason: RefusalReason,
    message: string,
    readonly signed: boolean,
  ) {
    super(grpcCode, reason, message);
  }
}

const refusedAs =
  (signed: boolean) =>
  (message: string): ServiceAccountRefusal =>
    new ServiceAccountRefusal(
      status.UNAUTHENTICATED,
      RefusalReason.ServiceAccountTokenRejected,
      message,
      signed,
    );
const rejected = refusedAs(false);
const rejectedSigned = refusedAs(true);

function claimsOf(jwt: string): JWTPayload {
  try {
    return decodeJwt(jwt);
  } catch {
    throw rejected(
      "the ServiceAccount token is not a JWT: pass the token itself (the file a projected " +
        "volume mounts, or the output of kubectl create token)",
    );
  }
}

function verifyFailure(error: unknown, check: ServiceAccountTokenCheck, claims: JWTPayload) {
  const fix = (what: string) => `${what}; provision token ${check.tokenName} `;
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWSSignatureVerificationFailed
  ) {
    return rejected(
      fix("the ServiceAccount token is signed by a key the JWKS does not hold") +
        "trusts another cluster, or this cluster's signing keys changed: refresh " +
        "spec.kubernetes.static_jwks.jwks from kubectl get --raw /openid/v1/jwks",
    );
  }
  if (error instanceof errors.JWTExpired) {
    const exp = new Date((claims.exp ?? 0) * 1000).toISOString();
    return (check.rule.type === "static_jwks" ? rejectedSigned : rejected)(
      `the ServiceAccount token expired at ${exp}: use a projected token (the kubelet renews ` +
        "it) or make a new one with kubectl create token",
    );
  }
  // jose checks the signature before the claims: these tokens were signed by the cluster.
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") {
    return rejectedSigned(audienceMessage(claims, check.audience));
  }
  if (error instanceof errors.JOSEError) {
    return rejected(`the ServiceAccount token failed verification: ${error.message}`);
  }
  return error;
}

function audienceMessage(claims: JWTPayload, audience: string): string {
  const aud = [claims.aud ?? []].flat();
  return (
    `the ServiceAccount token is for audience ${aud.map((a) => `"${a}"`).join(", ") || "(none)"}, ` +
    `not this hub ("${audience}"): make it with audience ${audience} (a projected volume's ` +
    `audience, or kubectl create token SA --audience ${audience} --duration 10m)`
  );
}

async function verifyStatic(jwt: string, check: ServiceAccountTokenCheck, claims: JWTPayload) {
  if (check.rule.type !== "static_jwks") return;
  try {
    await jwtVerify(jwt, createLocalJWKSet({ keys: check.rule.jwks.keys }), {
      audience: check.audience,
      currentDate: check.now,
    });
  } catch (error) {
    throw verifyFailure(error, check, claims);
  }
}

async function verifyInCluster(jwt: string, check: ServiceAccountTokenCheck, claims: JWTPayload) {
  const aud = [claims.aud ?? []].flat();
  if (!aud.includes(check.audience)) throw rejected(audienceMessage(claims, check.audience));
  if (claims.exp !== undefined && claims.exp * 1000 <= check.now.getTime())
    throw verifyFailure(new errors.JWTExpired("expired", claims), check, claims);
  const review = await check.review(jwt, check.audience);
  if (!review.authenticated) {
    throw rejected(
      `this hub's cluster does not accept the ServiceAccount token (${review.error || "TokenReview: not authenticated"}): ` +
        `it comes from another cluster, or its pod or ServiceAccount is gone`,
    );
  }
}

/** After the signature (or the review) proved the token: refusals here are the cluster's words. */
function checkLifetime(claims: JWTPayload): void {
  if (claims.exp === undefined || claims.iat === undefined) {
    throw rejectedSigned(
      "the ServiceAccount token has no expiry (a legacy Secret-based token): use a projected " +
        "token with an audience and expirationSeconds of at most 1800",
    );
  }
  const lifetimeMs = (claims.exp - claims.iat) * 1000;
  if (lifetimeMs > MAX_SERVICE_ACCOUNT_TOKEN_TTL_MS) {
    throw rejectedSigned(
      `the ServiceAccount token lives ${formatDuration(lifetimeMs)}, longer than the ` +
        `${formatDuration(MAX_SERVICE_ACCOUNT_TOKEN_TTL_MS)} this hub accepts: use a projected ` +
        "token with expirationSeconds of at most 1800 (kubectl create token … --duration 10m)",
    );
  }
}

/**
 * Checks a projected ServiceAccount token against a provision token's rule and returns the
 * account (`namespace:name`), or refuses with the one check that failed.
 */
export async function verifyServiceAccountToken(
  jwt: string,
  check: ServiceAccountTokenCheck,
): Promise<string> {
  const claims = claimsOf(jwt);
  if (check.rule.type === "static_jwks") await verifyStatic(jwt, check, claims);
  else await verifyInCluster(jwt, check, claims);
  checkLifetime(claims);
  const subject = claims.sub ?? "";
  if (!subject.startsWith(SUBJECT_PREFIX))
    throw rejectedSigned(`the token's subject "${subject}" is not a ServiceAccount`);
  const account = subject.slice(SUBJECT_PREFIX.length);
  const allowed = check.rule.allow.map((rule) => rule.serviceAccount);
  if (!allowed.includes(account)) {
    throw new ServiceAccountRefusal(
      status.PERMISSION_DENIED,
      RefusalReason.ServiceAccountNotAllowed,
      `ServiceAccount ${account} may not join with provision token ${check.tokenName} ` +
        `(it allows ${allowed.join(", ")}): add it to spec.kubernetes.allow or use that account`,
      true,
    );
  }
  return account;
}
