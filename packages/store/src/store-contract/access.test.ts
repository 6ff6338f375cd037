import { expect, it } from "vitest";

import { another, describeStores, store } from "./contract-backends.js";
import { now, later, local } from "./contract-records.js";

// Who may do what: stored keys, users, their locks, documents and roles.

describeStores("keys, users, documents and roles", () => {
  it("keeps the first key stored under a name", async () => {
    const first = { name: "tunnel-host", privateKeyPem: "K1", createdAt: now };
    expect(await store.keys.initialize(first)).toEqual(first);
    expect(await store.keys.initialize({ ...first, privateKeyPem: "K2" })).toEqual(first);
    expect(await store.keys.get("other")).toBeUndefined();
  });

  it("creates a user once, then replaces its roles and keeps its uid and creation time", async () => {
    const alice = { name: "alice", uid: "u1", roles: ["dev"], lock: undefined, ...local };
    expect(await store.users.create({ ...alice, createdAt: now, updatedAt: now })).toBe(true);
    expect(
      await store.users.create({ ...alice, uid: "u2", createdAt: later(1), updatedAt: later(1) }),
    ).toBe(false);
    expect(await store.users.setRoles("alice", ["ops"], later(5))).toEqual({
      ...alice,
      roles: ["ops"],
      createdAt: now,
      updatedAt: later(5),
    });
    expect(await store.users.setRoles("nobody", ["ops"], later(5))).toBeUndefined();
    expect(await store.users.delete("alice")).toBe(true);
    expect(await store.users.delete("alice")).toBe(false);
  });

  it("locks a user until a time or until unlocked", async () => {
    await store.users.create({
      name: "bob",
      uid: "u1",
      roles: ["dev"],
      lock: undefined,
      ...local,
      createdAt: now,
      updatedAt: now,
    });
    const lock = { reason: "left", lockedBy: "root", lockedAt: later(1), expiresAt: later(60_000) };
    expect((await store.users.setLock("bob", lock, later(1)))?.lock).toEqual(lock);
    const forever = { ...lock, expiresAt: undefined };
    expect((await store.users.get("bob"))?.lock).toEqual(lock);
    expect((await store.users.setLock("bob", forever, later(2)))?.lock).toEqual(forever);
    expect((await store.users.setLock("bob", undefined, later(3)))?.lock).toBeUndefined();
  });

  it("lets only the connector that made a user update it at a login", async () => {
    const sso = {
      name: "dana",
      uid: "u1",
      roles: ["dev"],
      lock: undefined,
      origin: "oidc/corp",
      traits: { groups: ["a", "b"] },
      createdAt: now,
      updatedAt: now,
    };
    expect(await store.users.upsertExternal(sso)).toEqual(sso);
    const again = { ...sso, uid: "u2", roles: ["ops"], traits: {}, updatedAt: later(5) };
    expect(await store.users.upsertExternal(again)).toEqual({
      ...again,
      uid: "u1",
      createdAt: now,
    });
    expect(await store.users.upsertExternal({ ...sso, origin: "github/acme" })).toBeUndefined();
    await store.users.create({ ...sso, name: "erin", ...local });
    expect(await store.users.upsertExternal({ ...sso, name: "erin" })).toBeUndefined();
    expect((await store.users.get("erin"))?.roles).toEqual(["dev"]);
  });

  it("keeps documents with versions, compare-and-swap and expiry", async () => {
    const doc = {
      kind: "session",
      name: "alice/1",
      body: "{}",
      expiresAt: later(10),
      updatedAt: now,
    };
    expect(await store.documents.create(doc)).toEqual({ ...doc, version: 1 });
    expect(await store.documents.create({ ...doc, body: "x" })).toBeUndefined();
    await store.documents.put({ ...doc, name: "alice_2", expiresAt: undefined });
    await store.documents.put({ ...doc, name: "bob/1" });
    expect((await store.documents.list("session", now, "alice/")).map((d) => d.name)).toEqual([
      "alice/1",
    ]);
    const replaced = await store.documents.replace({ ...doc, body: "y" }, 1);
    expect(replaced?.version).toBe(2);
    expect(await store.documents.replace({ ...doc, body: "z" }, 1)).toBeUndefined();
    expect((await store.documents.get("session", "alice/1", now))?.body).toBe("y");
    expect(await store.documents.get("session", "alice/1", later(10))).toBeUndefined();
    expect(await store.documents.deleteExpiredBefore(later(11))).toBe(2);
    expect((await store.documents.list("session", now)).map((d) => d.name)).toEqual(["alice_2"]);
    expect(await store.documents.delete("session", "alice_2")).toBe(true);
    expect(await store.documents.delete("session", "alice_2")).toBe(false);
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
      createdAt: later(1),
      updatedAt: later(1),
    });
    expect((await store.roles.list()).map((r) => [r.name, r.document, r.createdAt])).toEqual([
      ["dev", "kind: role # v2\n", now],
    ]);
  });

  it("refuses to delete a role a user holds, in the same transaction as the check", async () => {
    const role = { name: "dev", document: "kind: role\n", createdAt: now, updatedAt: now };
    await store.roles.upsert(role);
    await store.roles.upsert({ ...role, name: "ops" });
    const user = { name: "carol", uid: "u1", roles: ["dev"], lock: undefined, ...local };
    await store.users.create({ ...user, createdAt: now, updatedAt: now });
    expect(await store.roles.delete("dev")).toEqual({ outcome: "assigned", holders: ["carol"] });
    expect(await store.roles.delete("ops")).toEqual({ outcome: "deleted" });
    expect(await store.roles.delete("ops")).toEqual({ outcome: "missing" });
    // Racing an assignment on another connection: either the role goes or carol holds it.
    const other = await another();
    await store.roles.upsert({ ...role, name: "ops" });
    const [deletion, assigned] = await Promise.all([
      store.roles.delete("ops"),
      other.users.setRoles("carol", ["dev", "ops"], later(1)),
    ]);
    const roleLeft = (await store.roles.get("ops")) !== undefined;
    expect(assigned?.roles).toEqual(["dev", "ops"]);
    expect(deletion.outcome === "assigned" ? roleLeft : !roleLeft).toBe(true);
  });
});
