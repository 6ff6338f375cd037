import { stat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { StoreErrorCode } from "./errors.js";
import type { HubStore } from "./hub-store.js";
import type { AgentRecord, JoinTokenRecord } from "./records.js";
import { migrate } from "./sqlite-migrations.js";
import { openSqliteStore } from "./sqlite-store.js";

const now = new Date("2026-06-01T00:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

const token = (overrides: Partial<JoinTokenRecord> = {}): JoinTokenRecord => ({
  id: "0123456789abcdef",
  type: "kube",
  secretHash: "ab".repeat(32),
  expiresAt: later(60_000),
  usesTotal: 1,
  usesRemaining: 1,
  labels: { env: "dev" },
  clusterName: "dev",
  agentLabelKeys: [],
  adminName: undefined,
  createdAt: now,
  ...overrides,
});

const agent = (id: string, clusterName = "dev"): AgentRecord => ({
  id,
  clusterName,
  tokenId: "0123456789abcdef",
  agentVersion: "0.1.0",
  certificateSerial: `serial-${id}`,
  certificatePem: `CERT-${id}`,
  previousCertificatePem: undefined,
  previousCertificateSerial: undefined,
  certificateExpiresAt: later(3_600_000),
  joinedAt: now,
  renewedAt: undefined,
  revokedAt: undefined,
});

const cluster = (name: string, labels: Record<string, string> = { env: "dev" }) => ({
  name,
  labels,
  createdAt: now,
  updatedAt: now,
});

/** A join into cluster "dev" (created with env=dev when missing), at `when`. */
const joining = (id: string, when = now, mayJoinExisting = true, tokenId = "0123456789abcdef") => ({
  tokenId,
  now: when,
  agent: agent(id),
  cluster: cluster("dev"),
  mayJoinExisting,
});

const outcomeOf = async (pending: Promise<{ outcome: string }>) => (await pending).outcome;

let dir: string;
let path: string;
let store: HubStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-store-"));
  path = join(dir, "data", "hub.db");
  store = openSqliteStore({ path });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the SQLite hub store", () => {
  it("keeps the first CA it is given, across reopening, in a file only its owner reads", async () => {
    const first = { certificatePem: "CERT1", privateKeyPem: "KEY1", createdAt: now };
    expect(await store.certificateAuthority.initialize(first)).toEqual(first);
    const second = { certificatePem: "CERT2", privateKeyPem: "KEY2", createdAt: later(1) };
    expect(await store.certificateAuthority.initialize(second)).toEqual(first);
    await store.close();
    store = openSqliteStore({ path });
    expect(await store.certificateAuthority.get()).toEqual(first);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("uses a token's joins one at a time and records nothing once none are left", async () => {
    await store.tokens.create(token({ usesTotal: 2, usesRemaining: 2 }));
    expect(await outcomeOf(store.agents.join(joining("a1")))).toBe("joined");
    expect(await outcomeOf(store.agents.join(joining("a2")))).toBe("joined");
    expect(await outcomeOf(store.agents.join(joining("a3")))).toBe("token_unavailable");
    expect((await store.agents.list()).map((a) => a.id)).toEqual(["a1", "a2"]);
    expect((await store.tokens.get("0123456789abcdef"))?.usesRemaining).toBe(0);
  });

  it("refuses a join with an expired or unknown token without writing", async () => {
    await store.tokens.create(token());
    expect(await outcomeOf(store.agents.join(joining("a1", later(60_000))))).toBe(
      "token_unavailable",
    );
    expect(await outcomeOf(store.agents.join(joining("a2", now, true, "ffffffffffffffff")))).toBe(
      "token_unavailable",
    );
    expect(await store.agents.list()).toEqual([]);
    expect(await store.clusters.list()).toEqual([]);
    expect((await store.tokens.get("0123456789abcdef"))?.usesRemaining).toBe(1);
  });

  it("lets only one of two connections use a single-use token", async () => {
    await store.tokens.create(token());
    const other = openSqliteStore({ path });
    try {
      const outcomes = await Promise.all([
        outcomeOf(store.agents.join(joining("a1"))),
        outcomeOf(other.agents.join(joining("a2"))),
      ]);
      expect(outcomes.sort()).toEqual(["joined", "token_unavailable"]);
      expect(await store.agents.list()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("keeps the previous certificate serial on renewal and stops renewing once revoked", async () => {
    await store.tokens.create(token());
    await store.agents.join(joining("a1"));
    const renewal = {
      serial: "serial-2",
      certificatePem: "CERT-2",
      expiresAt: later(7_200_000),
      renewedAt: later(1000),
    };
    expect(await store.agents.recordRenewal("a1", renewal)).toBe(true);
    expect(await store.agents.get("a1")).toMatchObject({
      certificateSerial: "serial-2",
      previousCertificateSerial: "serial-a1",
      certificatePem: "CERT-2",
      previousCertificatePem: "CERT-a1",
      certificateExpiresAt: renewal.expiresAt,
      renewedAt: renewal.renewedAt,
    });
    expect(await store.agents.revoke("a1", later(2000))).toBe(true);
    expect(await store.agents.revoke("a1", later(3000))).toBe(false);
    expect(await store.agents.recordRenewal("a1", renewal)).toBe(false);
    expect((await store.agents.get("a1"))?.revokedAt).toEqual(later(2000));
  });

  it("creates the cluster with the first join; later ones join it only when allowed", async () => {
    await store.tokens.create(token({ usesTotal: 3, usesRemaining: 3 }));
    expect(await store.agents.join(joining("a1"))).toEqual({
      outcome: "joined",
      cluster: cluster("dev"),
      created: true,
    });
    const second = { ...joining("a2", later(5)), cluster: cluster("dev", { env: "other" }) };
    expect(await store.agents.join(second)).toEqual({
      outcome: "joined",
      cluster: cluster("dev"),
      created: false,
    });
    expect(await store.agents.join(joining("a3", now, false))).toEqual({
      outcome: "cluster_exists",
    });
    expect((await store.tokens.get("0123456789abcdef"))?.usesRemaining).toBe(1);
    expect((await store.agents.list()).map((a) => a.id)).toEqual(["a1", "a2"]);
  });

  it("relabels a cluster, and removes it with every agent of it revoked", async () => {
    await store.tokens.create(token({ usesTotal: 2, usesRemaining: 2 }));
    await store.agents.join(joining("a1"));
    await store.agents.join(joining("a2"));
    expect(await store.clusters.setLabels("dev", { env: "prod" }, later(1))).toEqual({
      ...cluster("dev", { env: "prod" }),
      updatedAt: later(1),
    });
    expect(await store.clusters.setLabels("nope", {}, later(1))).toBeUndefined();
    expect(await store.agents.revoke("a1", later(2))).toBe(true);
    expect(await store.clusters.delete("dev", later(3))).toEqual(["a2"]);
    expect(await store.clusters.delete("dev", later(3))).toBeUndefined();
    expect((await store.agents.get("a2"))?.revokedAt).toEqual(later(3));
    expect((await store.agents.get("a1"))?.revokedAt).toEqual(later(2));
  });

  it("keeps a token's cluster, admin name and the label keys its agents may set", async () => {
    const bound = token({ clusterName: "prod", agentLabelKeys: ["region"] });
    await store.tokens.create(bound);
    const admin = token({ id: "aaaaaaaaaaaaaaaa", type: "admin", clusterName: undefined });
    await store.tokens.create({ ...admin, labels: {}, adminName: "alice" });
    expect(await store.tokens.get(bound.id)).toEqual(bound);
    expect(await store.tokens.get(admin.id)).toEqual({ ...admin, labels: {}, adminName: "alice" });
  });

  it("consumes a token's uses on its own, for admin enrolment", async () => {
    await store.tokens.create(token());
    expect(await store.tokens.consume("0123456789abcdef", later(60_000))).toBe(false);
    expect(await store.tokens.consume("0123456789abcdef", now)).toBe(true);
    expect(await store.tokens.consume("0123456789abcdef", now)).toBe(false);
  });

  it("lists, deletes and expires tokens", async () => {
    await store.tokens.create(token({ id: "aaaaaaaaaaaaaaaa", expiresAt: later(1000) }));
    await store.tokens.create(token({ id: "bbbbbbbbbbbbbbbb", expiresAt: later(5000) }));
    await store.tokens.create(token({ id: "cccccccccccccccc" }));
    expect(await store.tokens.deleteExpiredBefore(later(2000))).toBe(1);
    expect(await store.tokens.delete("bbbbbbbbbbbbbbbb")).toBe(true);
    expect(await store.tokens.delete("bbbbbbbbbbbbbbbb")).toBe(false);
    expect((await store.tokens.list()).map((t) => t.id)).toEqual(["cccccccccccccccc"]);
  });

  it("keeps the first key stored under a name", async () => {
    const first = { name: "tunnel-host", privateKeyPem: "K1", createdAt: now };
    expect(await store.keys.initialize(first)).toEqual(first);
    expect(await store.keys.initialize({ ...first, privateKeyPem: "K2" })).toEqual(first);
    expect(await store.keys.get("other")).toBeUndefined();
  });

  it("refuses a database from a newer hub, naming the file", async () => {
    await store.close();
    const raw = new Database(path);
    raw.pragma("user_version = 999");
    raw.close();
    expect(() => openSqliteStore({ path })).toThrow(
      expect.objectContaining({ code: StoreErrorCode.NewerSchema }),
    );
    store = openSqliteStore({ path: join(dir, "other.db") });
  });
});

describe("upgrading a database from before clusters had owners", () => {
  it("gives each cluster the labels of its first agent, and leaves old tokens unbound", async () => {
    const oldPath = join(dir, "v3.db");
    const raw = new Database(oldPath);
    migrate(raw, oldPath, 3);
    const insert = raw.prepare(
      `INSERT INTO agents (id, cluster_name, labels, token_id, agent_version, certificate_serial,
         certificate_pem, certificate_expires_at, joined_at, revoked_at)
       VALUES (?, ?, ?, 't', 'v', 's', 'c', 0, ?, ?)`,
    );
    insert.run("first", "local", '{"env":"prod"}', 1, null);
    insert.run("taker", "local", '{"env":"dev"}', 2, null);
    insert.run("gone", "old", '{"env":"old"}', 1, 5);
    raw
      .prepare(
        `INSERT INTO join_tokens (id, type, secret_hash, expires_at, uses_total, uses_remaining,
           labels, created_at) VALUES ('t', 'kube', 'h', 9, 1, 1, '{}', 0)`,
      )
      .run();
    raw.close();
    const upgraded = openSqliteStore({ path: oldPath });
    try {
      expect(await upgraded.clusters.list()).toEqual([
        { name: "local", labels: { env: "prod" }, createdAt: new Date(1), updatedAt: new Date(1) },
      ]);
      expect(await upgraded.tokens.get("t")).toMatchObject({
        clusterName: undefined,
        agentLabelKeys: [],
        adminName: undefined,
      });
    } finally {
      await upgraded.close();
    }
  });
});
