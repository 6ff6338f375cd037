import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";

import { Refusal } from "../errors.js";
import {
  ServiceAccountRefusal,
  verifyServiceAccountToken,
  type ServiceAccountTokenCheck,
} from "./service-account-token.js";

const now = new Date("2026-06-01T12:00:00Z");
const seconds = Math.floor(now.getTime() / 1000);
const keys = await generateKeyPair("RS256");
const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "RS256", use: "sig" };

const check: ServiceAccountTokenCheck = {
  tokenName: "agents",
  rule: { type: "static_jwks", jwks: { keys: [jwk] }, allow: [{ serviceAccount: "warren:agent" }] },
  audience: "hub.example.com",
  now,
  review: () => Promise.reject(new Error("static tokens are never reviewed")),
};

function token(claims: Record<string, unknown>, key = keys.privateKey, kid = "k1") {
  return new SignJWT({
    sub: "system:serviceaccount:warren:agent",
    aud: ["hub.example.com"],
    iat: seconds - 60,
    exp: seconds + 540,
    ...claims,
  })
    .setProtectedHeader({ alg: "RS256", kid })
    .sign(key);
}

async function refusal(jwt: string): Promise<string> {
  const error: unknown = await verifyServiceAccountToken(jwt, check).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Refusal)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.message;
}

async function signedFlag(jwt: string): Promise<boolean> {
  const error: unknown = await verifyServiceAccountToken(jwt, check).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ServiceAccountRefusal)) throw new Error("expected a refusal");
  return error.signed;
}

describe("verifyServiceAccountToken", () => {
  it("says which refusals the cluster's signature proved (only those may be recorded)", async () => {
    const other = await generateKeyPair("RS256");
    expect(await signedFlag(await token({}, other.privateKey, "k2"))).toBe(false);
    expect(await signedFlag("not-a-jwt")).toBe(false);
    expect(await signedFlag(await token({ aud: ["elsewhere"] }))).toBe(true);
    expect(await signedFlag(await token({ sub: "system:serviceaccount:warren:other" }))).toBe(true);
  });

  it("returns namespace:name for a good token", async () => {
    expect(await verifyServiceAccountToken(await token({}), check)).toBe("warren:agent");
  });

  it("refuses each failed check in its own words", async () => {
    const other = await generateKeyPair("RS256");
    const messages = [
      await refusal("not-a-jwt"),
      await refusal(await token({}, other.privateKey, "k2")),
      await refusal(await token({ aud: ["elsewhere"] })),
      await refusal(await token({ iat: seconds - 1200, exp: seconds - 600 })),
      await refusal(await token({ iat: seconds - 60, exp: seconds + 3540 })),
      await refusal(await token({ exp: undefined })),
      await refusal(await token({ sub: "system:serviceaccount:warren:other" })),
      await refusal(await token({ sub: "alice" })),
    ];
    expect(messages[0]).toContain("is not a JWT");
    expect(messages[1]).toContain("signed by a key the JWKS does not hold");
    expect(messages[2]).toContain('is for audience "elsewhere", not this hub ("hub.example.com")');
    expect(messages[3]).toContain("expired at 2026-06-01T11:50:00.000Z");
    expect(messages[4]).toContain("lives 1h, longer than the 30m this hub accepts");
    expect(messages[5]).toContain("has no expiry");
    expect(messages[6]).toContain(
      "ServiceAccount warren:other may not join with provision token agents",
    );
    expect(messages[7]).toContain('subject "alice" is not a ServiceAccount');
    expect(new Set(messages).size).toBe(messages.length);
  });
});
