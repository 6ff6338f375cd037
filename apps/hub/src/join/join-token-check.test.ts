import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { generateJoinToken } from "@warren/identity";
import { openSqliteStore, type HubStore, type TokenType } from "@warren/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { Refusal } from "../errors.js";
import { checkJoinToken } from "./join-token-check.js";

const now = new Date("2026-06-01T00:00:00Z");
let dir: string;
let store: HubStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-token-check-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function mint(
  overrides: { type?: TokenType; expiresAt?: Date; usesRemaining?: number } = {},
) {
  const minted = generateJoinToken();
  await store.tokens.create({
    id: minted.id,
    type: overrides.type ?? "kube",
    secretHash: minted.secretHash,
    expiresAt: overrides.expiresAt ?? new Date(now.getTime() + 60_000),
    usesTotal: 2,
    usesRemaining: overrides.usesRemaining ?? 2,
    labels: {},
    clusterName: overrides.type === "admin" ? undefined : "dev",
    agentLabelKeys: [],
    adminName: overrides.type === "admin" ? "alice" : undefined,
    createdAt: now,
  });
  return minted;
}

async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("checkJoinToken", () => {
  it("accepts a current token of the right type", async () => {
    const minted = await mint();
    expect((await checkJoinToken(store, minted.token, "kube", now)).id).toBe(minted.id);
  });

  it("refuses each bad token with its own status, reason and fix, never echoing the secret", async () => {
    const other = generateJoinToken();
    const expired = await mint({ expiresAt: now });
    const usedUp = await mint({ usesRemaining: 0 });
    const admin = await mint({ type: "admin" });
    const wrongSecret = `${expired.token.slice(0, 22)}${other.secret}`;
    const cases = [
      ["wrn1.nope", status.INVALID_ARGUMENT, RefusalReason.MalformedToken, "malformed"],
      [other.token, status.UNAUTHENTICATED, RefusalReason.UnknownToken, "not known to this hub"],
      [wrongSecret, status.UNAUTHENTICATED, RefusalReason.UnknownToken, "not known to this hub"],
      [expired.token, status.UNAUTHENTICATED, RefusalReason.ExpiredToken, "expired at 2026-06-01"],
      [
        usedUp.token,
        status.UNAUTHENTICATED,
        RefusalReason.TokenUsedUp,
        "used for all 2 of its joins",
      ],
      [admin.token, status.PERMISSION_DENIED, RefusalReason.WrongTokenType, 'is a "admin" token'],
    ] as const;
    for (const [token, code, reason, words] of cases) {
      const refusal = await refusalOf(checkJoinToken(store, token, "kube", now));
      expect({ code: refusal.grpcCode, reason: refusal.reason }).toEqual({ code, reason });
      expect(refusal.message).toContain(words);
      expect(refusal.message).toContain("warrenctl tokens add");
      expect(refusal.message).not.toContain(token.split(".")[2] ?? "-");
    }
  });
});
