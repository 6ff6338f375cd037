import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import { IdentityError, IdentityErrorCode } from "./errors.js";

/**
 * A join token is "wrn1.<id>.<secret>": the id finds the token's record, the secret proves
 * possession. The hub keeps only the SHA-256 of the secret (32 random bytes leave nothing to
 * brute-force, so a slow hash would add nothing). The prefix lets secret scanners find leaks.
 */
const PREFIX = "wrn1";
const TOKEN_PATTERN = /^wrn1\.([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

export interface JoinTokenParts {
  id: string;
  secret: string;
}

export interface NewJoinToken extends JoinTokenParts {
  /** The whole token, to show once. */
  token: string;
  secretHash: string;
}

export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function generateJoinToken(): NewJoinToken {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, secret, token: `${PREFIX}.${id}.${secret}`, secretHash: hashTokenSecret(secret) };
}

export function parseJoinToken(text: string): JoinTokenParts {
  const match = TOKEN_PATTERN.exec(text.trim());
  if (!match?.[1] || !match[2]) {
    throw new IdentityError(
      IdentityErrorCode.MalformedToken,
      "the join token is malformed: expected wrn1.<id>.<secret> as `warrenctl tokens add` prints " +
        "it (check for a truncated copy or stray characters)",
    );
  }
  return { id: match[1], secret: match[2] };
}

/** Compares in constant time, so response timing reveals nothing about the stored hash. */
export function tokenSecretMatches(secret: string, secretHash: string): boolean {
  const actual = Buffer.from(hashTokenSecret(secret), "hex");
  const expected = Buffer.from(secretHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
