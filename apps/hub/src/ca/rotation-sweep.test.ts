import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { silentLogger } from "@warren/log";
import { openSqliteStore, type HubStore } from "@warren/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { AgentRegistry } from "../tunnel/agent-registry.js";
import { HubAuthorities } from "./hub-authorities.js";
import { autoStepDueAt, sweepRotation } from "./rotation-sweep.js";

const MINUTE_MS = 60_000;
let dir: string;
let store: HubStore;
let now = new Date("2026-12-01T00:00:00Z");
const clock = { now: () => now };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rotation-sweep-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const later = (ms: number) => (now = new Date(now.getTime() + ms));

describe("an automatic CA rotation", () => {
  it("takes a step each third of its grace, seen by a replica that did not start it", async () => {
    const starter = await HubAuthorities.load(store, clock, silentLogger);
    // Another replica on the same store: it takes the steps and the starter follows.
    const other = await HubAuthorities.load(store, clock, silentLogger);
    const deps = {
      authorities: other,
      store,
      registry: new AgentRegistry(silentLogger, clock),
      logger: silentLogger,
    };
    await starter.rotate("init", { graceMs: 3 * MINUTE_MS });
    // What the change feed does on every other replica.
    await other.reload();
    const phases: string[] = [];
    for (const step of [MINUTE_MS - 1, 1, MINUTE_MS, MINUTE_MS]) {
      later(step);
      await sweepRotation(deps, now);
      await starter.reload();
      phases.push(starter.state.phase);
    }
    expect(phases).toEqual(["init", "update_clients", "update_servers", "standby"]);
    expect(starter.state.auto).toBeUndefined();
    expect(autoStepDueAt(starter.state)).toBeUndefined();
  });

  it("leaves a rotation an admin walks alone", async () => {
    const authorities = await HubAuthorities.load(store, clock, silentLogger);
    await authorities.rotate("init");
    later(365 * 24 * 60 * MINUTE_MS);
    const registry = new AgentRegistry(silentLogger, clock);
    await sweepRotation({ authorities, store, registry, logger: silentLogger }, now);
    expect(authorities.state.phase).toBe("init");
  });
});
