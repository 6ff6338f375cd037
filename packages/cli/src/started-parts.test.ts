import { silentLogger } from "@warren/log";
import { describe, expect, it } from "vitest";

import { StartedParts } from "./started-parts.js";

describe("StartedParts", () => {
  it("stops in reverse order of start with the grace given, past a part that fails", async () => {
    const stopped: string[] = [];
    const parts = new StartedParts(silentLogger);
    parts.started("store", (grace) => {
      stopped.push(`store ${String(grace)}`);
    });
    parts.started("broken", () => {
      throw new Error("cannot");
    });
    parts.started("listener", async (grace) => {
      await Promise.resolve();
      stopped.push(`listener ${String(grace)}`);
    });
    await parts.stop(5000);
    expect(stopped).toEqual(["listener 5000", "store 5000"]);
    await parts.stop(5000);
    expect(stopped).toHaveLength(2);
  });

  it("undoes a start that failed half-way, at once, and passes the error on", async () => {
    const stopped: number[] = [];
    const parts = new StartedParts(silentLogger);
    const failed = parts.starting(async (started) => {
      started.started("first", (grace) => {
        stopped.push(grace);
      });
      await Promise.resolve();
      throw new Error("port taken");
    });
    await expect(failed).rejects.toThrow("port taken");
    expect(stopped).toEqual([0]);
  });

  it("says it was stopped, so a start still waiting starts nothing more", async () => {
    const parts = new StartedParts(silentLogger);
    let release: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const start = parts.starting(async (owner) => {
      owner.started("identity", () => undefined);
      await waiting;
      if (owner.stopped) throw new Error("stopped before ready");
      started.push("tunnels");
    });
    expect(parts.stopped).toBe(false);
    await parts.stop(1000);
    expect(parts.stopped).toBe(true);
    release();
    await expect(start).rejects.toThrow("stopped before ready");
    expect(started).toEqual([]);
  });
});
