import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { silentLogger } from "@warren/log";
import { openSqliteStore, type HubStore } from "@warren/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { LocalCredentials } from "./local-credentials.js";

let dir: string;
let store: HubStore;
let now: Date;
let credentials: LocalCredentials;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "local-credentials-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
  now = new Date("2026-12-01T10:00:00Z");
  credentials = new LocalCredentials({
    store,
    clock: { now: () => now },
    logger: silentLogger,
    maxFailures: 2,
    lockoutMs: 600_000,
    inviteTtlMs: 3_600_000,
  });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("local credentials", () => {
  it("use an invite once, keep only hashes, and lock out after failures until the time says", async () => {
    const { secret } = await credentials.invite("bob");
    await expect(credentials.acceptInvite("bob", secret, "short")).rejects.toThrow("too short");
    await credentials.acceptInvite("bob", secret, "a long password");
    await expect(credentials.acceptInvite("bob", secret, "a long password")).rejects.toThrow(
      "unknown, used or expired",
    );
    const stored = await store.documents.get("password", "bob", now);
    expect(stored?.body).not.toContain("a long password");
    await credentials.check("bob", "a long password");
    await expect(credentials.check("bob", "wrong one")).rejects.toThrow(
      "wrong user name or password",
    );
    await expect(credentials.check("bob", "wrong two")).rejects.toThrow(
      "logins are locked until 2026-12-01T10:10:00.000Z",
    );
    await expect(credentials.check("bob", "a long password")).rejects.toThrow("locked until");
    now = new Date("2026-12-01T10:10:01Z");
    await credentials.check("bob", "a long password");
  });

  it("expires invites", async () => {
    const { secret } = await credentials.invite("carol");
    now = new Date("2026-12-01T11:00:01Z");
    await expect(credentials.acceptInvite("carol", secret, "a long password")).rejects.toThrow(
      "unknown, used or expired",
    );
  });

  it("makes invites that a command line cannot take for a flag", async () => {
    // base64url may start with "-"; 64 draws make an unprefixed secret fail this ~64% of the time.
    for (let i = 0; i < 64; i++) {
      const { secret } = await credentials.invite(`user${i}`);
      expect(secret).toMatch(/^wri1\.[A-Za-z0-9_-]{32}$/);
    }
  });
});
