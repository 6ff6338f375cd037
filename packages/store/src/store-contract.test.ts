import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { HubStore } from "./hub-store.js";
import { openPostgresStore } from "./postgres-store.js";
import type {
  AgentRecord,
  AuditEventRecord,
  JoinTokenRecord,
  SessionRecordingRecord,
} from "./records.js";
import { openSqliteStore } from "./sqlite-store.js";
import { startPostgresServer, type PostgresServer } from "./testing/postgres-server.js";

// One suite, both stores: what the hub relies on must hold on SQLite and on PostgreSQL alike.

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
  placement: { namespace: "warren", pod: "warren-agent-0" },
  labelKeys: ["tier"],
});

/** A user an admin made: no connector, no traits. */
const local = { origin: "", traits: {} };

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

/** A store to test: open() gives a fresh, empty one; another() a second connection to it. */
interface Backend {
  name: string;
  setUp(): Promise<void>;
  open(): Promise<HubStore>;
  another(): Promise<HubStore>;
  tearDown(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir = "";
  let path = "";
  return {
    name: "SQLite",
    setUp: async () => {
      dir = await mkdtemp(join(tmpdir(), "warren-store-"));
    },
    open: () => {
      path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
      return Promise.resolve(openSqliteStore({ path }));
    },
    another: () => Promise.resolve(openSqliteStore({ path })),
    tearDown: () => rm(dir, { recursive: true, force: true }),
  };
}

function postgresBackend(): Backend {
  let server: PostgresServer;
  const connect = () => openPostgresStore({ url: server.url, passwordFile: server.passwordFile });
  return {
    name: "PostgreSQL",
    setUp: async () => {
      server = await startPostgresServer();
    },
    open: async () => {
      // Every test starts from an empty database and migrates it.
      await server.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
      return connect();
    },
    another: connect,
    tearDown: () => server.stop(),
  };
}

/** A running recording of alice's exec in web-0, by replica `replicaId`. */
const recordingOf = (id: string, replicaId: string, startedAt: Date): SessionRecordingRecord => ({
  id,
  user: "alice",
  cluster: "one",
  kubernetesUser: "alice",
  namespace: "apps",
  pod: "web-0",
  container: "main",
  command: ["sh", "-c", "echo hi"],
  subresource: "exec",
  tty: true,
  protocol: "v5.channel.k8s.io",
  startedAt,
  endReason: "",
  bytes: 0,
  replicaId,
});

describe.each([sqliteBackend(), postgresBackend()])("the $name hub store", (backend) => {
  let store: HubStore;
  const opened: HubStore[] = [];

  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());
  beforeEach(async () => {
    store = await backend.open();
    opened.push(store);
    return async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    };
  });
  const another = async () => {
    const other = await backend.another();
    opened.push(other);
    return other;
  };

  it("keeps the first CA it is given, for every connection", async () => {
    const first = { certificatePem: "CERT1", privateKeyPem: "KEY1", createdAt: now };
    expect(await store.certificateAuthority.initialize(first)).toEqual(first);
    const second = { certificatePem: "CERT2", privateKeyPem: "KEY2", createdAt: later(1) };
    expect(await (await another()).certificateAuthority.initialize(second)).toEqual(first);
    expect(await store.certificateAuthority.get()).toEqual(first);
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
    const other = await another();
    const outcomes = await Promise.all([
      outcomeOf(store.agents.join(joining("a1"))),
      outcomeOf(other.agents.join(joining("a2"))),
    ]);
    expect(outcomes.sort()).toEqual(["joined", "token_unavailable"]);
    expect(await store.agents.list()).toHaveLength(1);
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

  it("keeps where an agent runs from its join, and what it says later", async () => {
    await store.tokens.create(token());
    await store.agents.join(joining("a1"));
    expect((await store.agents.get("a1"))?.placement).toEqual({
      namespace: "warren",
      pod: "warren-agent-0",
    });
    expect((await store.agents.get("a1"))?.labelKeys).toEqual(["tier"]);
    const moved = { namespace: "infra", pod: "edge-1", statefulSet: "edge", helmRelease: "edge" };
    expect(await store.agents.setPlacement("a1", moved)).toBe(true);
    expect((await store.agents.list())[0]?.placement).toEqual(moved);
    expect(await store.agents.setPlacement("nobody", moved)).toBe(false);
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

  it("lists audit events newest first, filtered by user, cluster and time", async () => {
    await store.audit.append([event({ requestId: "1", time: later(0) })]);
    await store.audit.append([
      event({ requestId: "2", time: later(10), user: "bob" }),
      event({ requestId: "3", time: later(20), cluster: "two" }),
    ]);
    const ids = (events: AuditEventRecord[]) => events.map((e) => e.requestId);
    expect(ids(await store.audit.list({ limit: 10 }))).toEqual(["3", "2", "1"]);
    expect(ids(await store.audit.list({ limit: 10, user: "alice" }))).toEqual(["3", "1"]);
    expect(ids(await store.audit.list({ limit: 10, cluster: "one", since: later(5) }))).toEqual([
      "2",
    ]);
    expect(ids(await store.audit.list({ limit: 1 }))).toEqual(["3"]);
    expect(ids(await store.audit.list({ limit: 10, until: later(20) }))).toEqual(["2", "1"]);
    expect(ids(await store.audit.list({ limit: 10, verb: "delete" }))).toEqual([]);
    expect(ids(await store.audit.list({ limit: 10, verb: "list" }))).toEqual(["3", "2", "1"]);
    expect((await store.audit.list({ limit: 1, user: "bob" }))[0]).toEqual(
      event({ requestId: "2", time: later(10), user: "bob" }),
    );
  });

  it("keeps each event's kind and stage, filters by kind, and prunes what is too old", async () => {
    await store.audit.append([
      event({ requestId: "1", time: later(0), stage: "ResponseStarted" }),
      event({ requestId: "2", time: later(10), kind: "admin", verb: "delete", resource: "users" }),
      event({ requestId: "3", time: later(20) }),
    ]);
    const admin = await store.audit.list({ limit: 10, kind: "admin" });
    expect(admin.map((e) => [e.requestId, e.kind, e.verb])).toEqual([["2", "admin", "delete"]]);
    expect((await store.audit.list({ limit: 10, since: later(0) })).at(-1)?.stage).toBe(
      "ResponseStarted",
    );
    expect(await store.audit.deleteBefore(later(15))).toBe(2);
    expect((await store.audit.list({ limit: 10 })).map((e) => e.requestId)).toEqual(["3"]);
  });

  it("keeps a recording's chunks in order, its end, and prunes old ones with their chunks", async () => {
    const recording = (id: string, minute: number): SessionRecordingRecord => ({
      ...recordingOf(id, "hub-a", later(minute)),
      cluster: minute === 0 ? "one" : "two",
    });
    await store.recordings.start(recording("r1", 0));
    await store.recordings.start(recording("r2", 10));
    const bytes = Buffer.from([0, 1, 2, 0xff]);
    await store.recordings.append("r1", 0, bytes);
    await store.recordings.append("r1", 1, Buffer.from("second"));
    expect(await store.recordings.chunks("r1")).toEqual([
      { seq: 0, data: bytes },
      { seq: 1, data: Buffer.from("second") },
    ]);
    expect(await store.recordings.chunks("r1", 1)).toEqual([
      { seq: 1, data: Buffer.from("second") },
    ]);
    expect((await store.recordings.chunks("r1", 0, 1)).map((c) => c.seq)).toEqual([0]);
    expect(await store.recordings.get("r1")).toEqual(recording("r1", 0));
    expect(
      await store.recordings.finish("r1", {
        endedAt: later(1),
        exitCode: 3,
        endReason: "exit code 3",
        bytes: 10,
      }),
    ).toBe(true);
    expect(await store.recordings.get("r1")).toEqual({
      ...recording("r1", 0),
      endedAt: later(1),
      exitCode: 3,
      endReason: "exit code 3",
      bytes: 10,
    });
    expect(await store.recordings.finish("nope", { endedAt: now, endReason: "", bytes: 0 })).toBe(
      false,
    );
    const ids = (list: SessionRecordingRecord[]) => list.map((r) => r.id);
    expect(ids(await store.recordings.list({ limit: 10 }))).toEqual(["r2", "r1"]);
    expect(ids(await store.recordings.list({ limit: 10, cluster: "one" }))).toEqual(["r1"]);
    expect(ids(await store.recordings.list({ limit: 10, user: "bob" }))).toEqual([]);
    expect(ids(await store.recordings.list({ limit: 10, since: later(5) }))).toEqual(["r2"]);
    expect(await store.recordings.deleteBefore(later(5))).toBe(1);
    expect(await store.recordings.get("r1")).toBeUndefined();
    expect(await store.recordings.chunks("r1")).toEqual([]);
    expect(ids(await store.recordings.list({ limit: 10 }))).toEqual(["r2"]);
  });

  it("ends the running recordings of replicas that are gone, and only those", async () => {
    const recording = (id: string, replicaId: string, minute = 0) =>
      recordingOf(id, replicaId, later(minute));
    await store.recordings.start(recording("live", "hub-a"));
    await store.recordings.start(recording("orphan", "hub-b"));
    await store.recordings.start(recording("ended", "hub-b"));
    await store.recordings.start(recording("legacy", ""));
    await store.recordings.start(recording("young", "hub-c", 10));
    await store.recordings.append("orphan", 0, Buffer.from("abc"));
    await store.recordings.append("orphan", 1, Buffer.from("defg"));
    await store.recordings.finish("ended", {
      endedAt: later(1),
      endReason: "exit code 0",
      bytes: 2,
    });
    const sweep = { liveReplicaIds: ["hub-a"], startedBefore: later(5), endedAt: later(6) };
    expect(await store.recordings.endOrphaned(sweep)).toEqual(["orphan"]);
    expect(await store.recordings.get("orphan")).toEqual({
      ...recording("orphan", "hub-b"),
      endedAt: later(6),
      endReason: "the hub replica recording it (hub-b) stopped before the session ended",
      bytes: 7,
    });
    expect((await store.recordings.get("ended"))?.endReason).toBe("exit code 0");
    for (const id of ["live", "legacy", "young"])
      expect((await store.recordings.get(id))?.endedAt).toBeUndefined();
    // Nothing left to end: a second replica sweeping at the same time finds nothing.
    expect(await store.recordings.endOrphaned(sweep)).toEqual([]);
    expect(await store.recordings.endOrphaned({ ...sweep, liveReplicaIds: [] })).toEqual(["live"]);
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

  it("knows the live replicas, and forgets those that stopped or went silent", async () => {
    const replica = (id: string, seenMs: number) => ({
      id,
      tunnelAddr: `${id}.hub:4025`,
      startedAt: now,
      seenAt: later(seenMs),
    });
    await store.replicas.heartbeat(replica("a", 0));
    await (await another()).replicas.heartbeat(replica("b", 0));
    await store.replicas.heartbeat(replica("a", 10_000));
    expect((await store.replicas.live(later(5_000))).map((r) => r.id)).toEqual(["a"]);
    expect((await store.replicas.live(now)).map((r) => r.tunnelAddr)).toEqual([
      "a.hub:4025",
      "b.hub:4025",
    ]);
    expect(await store.replicas.deleteSeenBefore(later(5_000))).toBe(1);
    await store.replicas.remove("a");
    expect(await store.replicas.live(now)).toEqual([]);
  });

  it("orders audit events from every connection by time", async () => {
    const other = await another();
    await other.audit.append([event({ requestId: "b", time: later(20) })]);
    await store.audit.append([
      event({ requestId: "a", time: later(10) }),
      event({ requestId: "c", time: later(30) }),
    ]);
    const ids = (await store.audit.list({ limit: 10 })).map((e) => e.requestId);
    expect(ids).toEqual(["c", "b", "a"]);
  });
});
