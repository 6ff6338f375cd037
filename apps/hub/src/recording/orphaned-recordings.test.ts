import type { Logger } from "@warren/log";
import type { HubReplicaRecord, HubStore, OrphanSweep } from "@warren/store";
import { describe, expect, it } from "vitest";

import { endOrphanedRecordings } from "./orphaned-recordings.js";

const NOW = new Date("2026-12-04T10:00:00Z");
const HEARTBEAT_MS = 5000;

/**
 * The hub parts the sweep takes: a store that answers it as told and keeps what it was asked,
 * a logger that keeps its warnings (only what the sweep calls of each).
 */
function sweepRig(shared: boolean, answer: () => Promise<string[]>) {
  const sweeps: OrphanSweep[] = [];
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const store = {
    shared,
    recordings: {
      endOrphaned: (sweep: OrphanSweep) => (sweeps.push(sweep), answer()),
    },
  } as unknown as HubStore;
  const logger = {
    warn: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }),
  } as unknown as Logger; // only warn is called
  const deps = {
    store,
    clock: { now: () => NOW },
    logger,
    config: { replicaHeartbeatIntervalMs: HEARTBEAT_MS },
  };
  return { deps, sweeps, lines };
}

const live = [{ id: "hub-a" }, { id: "hub-b" }] as HubReplicaRecord[];

describe("endOrphanedRecordings", () => {
  it("spares recordings younger than a heartbeat on a shared store, and names what it ended", async () => {
    const { deps, sweeps, lines } = sweepRig(true, () => Promise.resolve(["r1"]));
    await endOrphanedRecordings(deps, live);
    expect(sweeps).toEqual([
      {
        liveReplicaIds: ["hub-a", "hub-b"],
        startedBefore: new Date(NOW.getTime() - HEARTBEAT_MS),
        endedAt: NOW,
      },
    ]);
    expect(lines).toEqual([
      {
        fields: { recordings: ["r1"] },
        message: "ended the recordings of a hub replica that stopped before its sessions did",
      },
    ]);
  });

  it("ends every other replica's on a store only one hub uses, and logs a failure instead of throwing", async () => {
    const { deps, sweeps, lines } = sweepRig(false, () => Promise.reject(new Error("disk gone")));
    await endOrphanedRecordings(deps, live.slice(0, 1));
    expect(sweeps[0]?.startedBefore).toEqual(NOW);
    expect(lines.map((line) => line.message)).toEqual([
      "could not end the recordings of stopped replicas",
    ]);
    expect(lines[0]?.fields.error).toContain("disk gone");
  });

  it("ends nothing before a live list was read: every recording would look orphaned", async () => {
    const { deps, sweeps } = sweepRig(true, () => Promise.resolve([]));
    await endOrphanedRecordings(deps, []);
    expect(sweeps).toEqual([]);
  });
});
