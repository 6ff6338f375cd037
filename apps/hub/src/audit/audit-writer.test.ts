import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { silentLogger, type Logger } from "@warren/log";
import { openSqliteStore, type AuditEventRecord, type HubStore } from "@warren/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { AuditWriter } from "./audit-writer.js";

let dir: string;
let store: HubStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "audit-writer-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const event = (requestId: string): AuditEventRecord => ({
  kind: "kube",
  stage: "ResponseComplete",
  time: new Date(),
  requestId,
  user: "alice",
  source: "127.0.0.1",
  cluster: "one",
  kubernetesUser: "alice",
  kubernetesGroups: ["dev"],
  verb: "get",
  method: "GET",
  path: "/api/v1/namespaces",
  resource: "namespaces",
  namespace: "",
  name: "",
  status: 200,
  durationMs: 1,
  reason: "",
});

const stored = async () => (await store.audit.list({ limit: 100 })).map((e) => e.requestId).sort();

describe("AuditWriter", () => {
  it("holds events for one commit, and flush() writes them all", async () => {
    // A delay no test waits for: only flush() can have written these.
    const writer = new AuditWriter({ store, logger: silentLogger, flushDelayMs: 3_600_000 });
    writer.add(event("a"));
    writer.add(event("b"));
    expect(await stored()).toEqual([]);
    await writer.flush();
    expect(await stored()).toEqual(["a", "b"]);
  });

  it("commits at once when a batch is full", async () => {
    const writer = new AuditWriter({
      store,
      logger: silentLogger,
      flushDelayMs: 3_600_000,
      maxBatchEvents: 2,
    });
    writer.add(event("a"));
    writer.add(event("b"));
    writer.add(event("c"));
    expect(await stored()).toEqual(["a", "b"]);
    await writer.flush();
    expect(await stored()).toEqual(["a", "b", "c"]);
  });

  it("logs a store that cannot write instead of throwing", async () => {
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (_fields, message) => errors.push(message) };
    const writer = new AuditWriter({ store, logger, flushDelayMs: 3_600_000 });
    writer.add(event("a"));
    await store.close();
    expect(await writer.flush()).toBe(false);
    expect(errors).toEqual(["cannot write audit events"]);
    store = openSqliteStore({ path: join(dir, "hub.db") });
  });

  it("commits a session's start with what is pending before addNow resolves, or rejects", async () => {
    const writer = new AuditWriter({ store, logger: silentLogger, flushDelayMs: 3_600_000 });
    writer.add(event("a"));
    await writer.addNow(event("start"));
    expect(await stored()).toEqual(["a", "start"]);
    await store.close();
    await expect(writer.addNow(event("lost"))).rejects.toThrow("the audit log cannot be written");
    store = openSqliteStore({ path: join(dir, "hub.db") });
  });
});
