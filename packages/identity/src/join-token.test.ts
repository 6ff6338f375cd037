import { describe, expect, it } from "vitest";

import { IdentityErrorCode } from "./errors.js";
import { generateJoinToken, parseJoinToken, tokenSecretMatches } from "./join-token.js";

describe("join tokens", () => {
  it("parse back into the id and secret they were made of", () => {
    const minted = generateJoinToken();
    expect(minted.token).toMatch(/^wrn1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(parseJoinToken(`  ${minted.token}\n`)).toEqual({ id: minted.id, secret: minted.secret });
  });

  it("store only a hash that the secret matches and nothing else does", () => {
    const minted = generateJoinToken();
    expect(minted.secretHash).not.toContain(minted.secret);
    expect(tokenSecretMatches(minted.secret, minted.secretHash)).toBe(true);
    expect(tokenSecretMatches(generateJoinToken().secret, minted.secretHash)).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["truncated", generateJoinToken().token.slice(0, -3)],
    ["wrong prefix", generateJoinToken().token.replace("wrn1", "wrn2")],
    [
      "upper-case id",
      generateJoinToken().token.replace(/\.([0-9a-f]{16})\./, (m) => m.toUpperCase()),
    ],
  ])("refuses a %s token as malformed", (_case, token) => {
    expect(() => parseJoinToken(token)).toThrow(
      expect.objectContaining({ code: IdentityErrorCode.MalformedToken }),
    );
  });
});
