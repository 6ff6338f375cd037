import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { silentLogger } from "@warren/log";
import { openSqliteStore, type HubStore } from "@warren/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { HubAuthorities } from "./hub-authorities.js";

let dir: string;
let store: HubStore;
const clock = { now: () => new Date("2026-12-01T00:00:00Z") };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hub-authorities-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("HubAuthorities", () => {
  it("answers a step only once this replica followed it, even if one follower failed", async () => {
    const authorities = await HubAuthorities.load(store, clock, silentLogger);
    const followed: string[] = [];
    let serve: (() => void) | undefined;
    authorities.onChange(() => Promise.reject(new Error("a follower that fails")));
    // As the hub's servers do: new certificates, issued asynchronously.
    authorities.onChange(
      (state) =>
        new Promise<void>((resolve) => {
          serve = () => {
            followed.push(state.phase);
            resolve();
          };
        }),
    );
    let answered = false;
    const step = authorities.rotate("init").then(() => {
      answered = true;
    });
    // The step made a new CA and stored it before it told its followers.
    await expect.poll(() => serve !== undefined, { timeout: 20_000 }).toBe(true);
    // Turns of the event loop pass; the step waits for the follower.
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    serve?.();
    await step;
    expect(followed).toEqual(["init"]);
  });
});
