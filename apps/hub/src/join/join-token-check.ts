import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { IdentityError, parseJoinToken, tokenSecretMatches } from "@warren/identity";
import type { HubStore, JoinTokenRecord, TokenType } from "@warren/store";

import { Refusal } from "../errors.js";

const PURPOSE: Readonly<Record<TokenType, string>> = {
  kube: "join a Kubernetes agent",
  admin: "enrol an admin",
};

/** The command that mints a replacement, with the cluster or admin name when known. */
export const mintHint = (type: TokenType, name?: string) =>
  type === "kube"
    ? `mint one with: warrenctl tokens add --type kube --cluster ${name ?? "CLUSTER"}`
    : `mint one with: warrenctl tokens add --type admin --name ${name ?? "NAME"}`;

/**
 * Finds the token's record and checks it can join now, or refuses with the one reason that
 * applies. The refusals never contain the secret.
 */
export async function checkJoinToken(
  store: HubStore,
  text: string,
  type: TokenType,
  now: Date,
): Promise<JoinTokenRecord> {
  const record = await findJoinToken(store, text, type);
  checkTokenUsable(record, type, now);
  return record;
}

/**
 * The record of a token this hub minted, when the secret matches; refuses a malformed or
 * unknown one. Until this succeeds nothing about the caller is trustworthy.
 */
export async function findJoinToken(
  store: HubStore,
  text: string,
  type: TokenType,
): Promise<JoinTokenRecord> {
  let parts;
  try {
    parts = parseJoinToken(text);
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    throw new Refusal(status.INVALID_ARGUMENT, RefusalReason.MalformedToken, error.message);
  }
  const record = await store.tokens.get(parts.id);
  // A wrong secret for a known id looks exactly like an unknown id: no oracle for ids.
  if (!record || !tokenSecretMatches(parts.secret, record.secretHash)) {
    throw new Refusal(
      status.UNAUTHENTICATED,
      RefusalReason.UnknownToken,
      `join token ${parts.id} is not known to this hub: it was deleted, expired over a day ago, ` +
        `or was minted by another hub (a hub whose data directory was reset forgets its ` +
        `tokens); ${mintHint(type)}`,
    );
  }
  return record;
}

/** Refuses a known token that cannot `type`-join at `now`: wrong type, expired or used up. */
export function checkTokenUsable(record: JoinTokenRecord, type: TokenType, now: Date): void {
  const hint = mintHint(type, record.clusterName ?? record.adminName);
  if (record.type !== type) {
    throw new Refusal(
      status.PERMISSION_DENIED,
      RefusalReason.WrongTokenType,
      `join token ${record.id} is a "${record.type}" token and cannot ${PURPOSE[type]}; ` +
        mintHint(type),
    );
  }
  if (record.expiresAt <= now) {
    throw new Refusal(
      status.UNAUTHENTICATED,
      RefusalReason.ExpiredToken,
      `join token ${record.id} expired at ${record.expiresAt.toISOString()}; ${hint}`,
    );
  }
  if (record.usesRemaining <= 0) {
    throw new Refusal(
      status.UNAUTHENTICATED,
      RefusalReason.TokenUsedUp,
      `join token ${record.id} has been used for all ${record.usesTotal} of its joins; ` +
        hint +
        (type === "kube" ? " (add --uses N for N agents, e.g. one per replica)" : ""),
    );
  }
}
