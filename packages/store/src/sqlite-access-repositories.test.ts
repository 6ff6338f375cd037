import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { HubStore } from "./hub-store.js";
import type { AuditEventRecord } from "./records.js";
import { openSqliteStore } from "./sqlite-store.js";

const now = new Date("2026-06-01T00:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms);

const event = (overrides: Partial<AuditEventRecord>): AuditEventRecord => ({
  kind: "kube",
  stage: "ResponseComplete",
  time: now,
  requestId: "r1",
  user: "alice",
  source: "127.0.0.1",
  cluster: "one",
  kubernetesUser: "alice",
  kubernetesGroups: ["developers", "viewers"],
  verb: "list",
  method: "GET",
  path: "/api/v1/namespaces/default/pods",
  resource: "pods",
  namespace: "default",
  name: "",
  status: 200,
  durationMs: 1.5,
  reason: "",
  ...overrides,
});

let dir: string;
let store: HubStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-store-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("users, roles and audit events in SQLite", () => {
  it("creates a user once, then replaces its roles and keeps its uid and creation time", async () => {
    const alice = { name: "alice", uid: "u1", roles: ["dev"], lock: undefined };
    expect(await store.users.create({ ...alice, createdAt: now, updatedAt: now })).toBe(true);
    expect(
      await store.users.create({ ...alice, uid: "u2", createdAt: at(1), updatedAt: at(1) }),
    ).toBe(false);
    expect(await store.users.setRoles("alice", ["ops"], at(5))).toEqual({
      ...alice,
      roles: ["ops"],
      createdAt: now,
      updatedAt: at(5),
    });
    expect(await store.users.setRoles("nobody", ["ops"], at(5))).toBeUndefined();
    expect(await store.users.delete("alice")).toBe(true);
    expect(await store.users.delete("alice")).toBe(false);
  });

  it("locks a user until a time or until unlocked", async () => {
    await store.users.create({
      name: "bob",
      uid: "u1",
      roles: ["dev"],
      lock: undefined,
      createdAt: now,
      updatedAt: now,
    });
    const lock = { reason: "left", lockedBy: "root", lockedAt: at(1), expiresAt: at(60_000) };
    expect((await store.users.setLock("bob", lock, at(1)))?.lock).toEqual(lock);
    const forever = { ...lock, expiresAt: undefined };
    expect((await store.users.get("bob"))?.lock).toEqual(lock);
    expect((await store.users.setLock("bob", forever, at(2)))?.lock).toEqual(forever);
    expect((await store.users.setLock("bob", undefined, at(3)))?.lock).toBeUndefined();
  });

  it("keeps a role's document as applied", async () => {
    await store.roles.upsert({
      name: "dev",
      document: "kind: role\n",
      createdAt: now,
      updatedAt: now,
    });
    await store.roles.upsert({
      name: "dev",
      document: "kind: role # v2\n",
      createdAt: at(1),
      updatedAt: at(1),
    });
    expect((await store.roles.list()).map((r) => [r.name, r.document, r.createdAt])).toEqual([
      ["dev", "kind: role # v2\n", now],
    ]);
  });

  it("lists audit events newest first, filtered by user, cluster and time", async () => {
    await store.audit.append([event({ requestId: "1", time: at(0) })]);
    await store.audit.append([
      event({ requestId: "2", time: at(10), user: "bob" }),
      event({ requestId: "3", time: at(20), cluster: "two" }),
    ]);
    const ids = (events: AuditEventRecord[]) => events.map((e) => e.requestId);
    expect(ids(await store.audit.list({ limit: 10 }))).toEqual(["3", "2", "1"]);
    expect(ids(await store.audit.list({ limit: 10, user: "alice" }))).toEqual(["3", "1"]);
    expect(ids(await store.audit.list({ limit: 10, cluster: "one", since: at(5) }))).toEqual(["2"]);
    expect(ids(await store.audit.list({ limit: 1 }))).toEqual(["3"]);
    expect((await store.audit.list({ limit: 1, user: "bob" }))[0]).toEqual(
      event({ requestId: "2", time: at(10), user: "bob" }),
    );
  });

  it("keeps each event's kind and stage, filters by kind, and prunes what is too old", async () => {
    await store.audit.append([
      event({ requestId: "1", time: at(0), stage: "ResponseStarted" }),
      event({ requestId: "2", time: at(10), kind: "admin", verb: "delete", resource: "users" }),
      event({ requestId: "3", time: at(20) }),
    ]);
    const admin = await store.audit.list({ limit: 10, kind: "admin" });
    expect(admin.map((e) => [e.requestId, e.kind, e.verb])).toEqual([["2", "admin", "delete"]]);
    expect((await store.audit.list({ limit: 10, since: at(0) })).at(-1)?.stage).toBe(
      "ResponseStarted",
    );
    expect(await store.audit.deleteBefore(at(15))).toBe(2);
    expect((await store.audit.list({ limit: 10 })).map((e) => e.requestId)).toEqual(["3"]);
  });
});
