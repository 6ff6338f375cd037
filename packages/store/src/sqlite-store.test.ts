import { stat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { StoreErrorCode } from "./errors.js";
import type { HubStore } from "./hub-store.js";
import { migrate } from "./sqlite-migrations.js";
import { openSqliteStore } from "./sqlite-store.js";

const now = new Date("2026-06-01T00:00:00Z");

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
  it("keeps the CA across reopening, in a file only its owner reads", async () => {
    const first = { certificatePem: "CERT1", privateKeyPem: "KEY1", createdAt: now };
    await store.certificateAuthority.initialize(first);
    await store.close();
    store = openSqliteStore({ path });
    expect(await store.certificateAuthority.get()).toEqual(first);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
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
