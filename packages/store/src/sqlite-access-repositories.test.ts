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
  time: now,
  requestId: "r1",
  user: "alice",
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
  it("creates a user, then replaces its roles and keeps its creation time", async () => {
    expect(
      await store.users.upsert({ name: "alice", roles: ["dev"], createdAt: now, updatedAt: now }),
    ).toBe(true);
    expect(
      await store.users.upsert({
        name: "alice",
        roles: ["ops"],
        createdAt: at(5),
        updatedAt: at(5),
      }),
    ).toBe(false);
    expect(await store.users.get("alice")).toEqual({
      name: "alice",
      roles: ["ops"],
      createdAt: now,
      updatedAt: at(5),
    });
    expect(await store.users.delete("alice")).toBe(true);
    expect(await store.users.delete("alice")).toBe(false);
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
});
