import { expect, it } from "vitest";

import type { AuditEventRecord, SessionRecordingRecord } from "../records.js";
import { another, describeStores, store } from "./contract-backends.js";
import { now, later, event, recordingOf } from "./contract-records.js";

// What the hub records: audit events, session recordings, and the live replicas.

describeStores("audit, recordings and replicas", () => {
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
