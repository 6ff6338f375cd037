import { describe, expect, it } from "vitest";

import { WorkQueue } from "./work-queue.js";

describe("WorkQueue", () => {
  it("holds a key once however often it is added, and retries a failed key after a backoff", async () => {
    const queue = new WorkQueue(1, 10);
    const seen: string[] = [];
    let failures = 1;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const errors: string[] = [];
    queue.add("a");
    queue.add("a");
    queue.add("b");
    const running = queue.run(
      (key) => {
        seen.push(key);
        if (key === "b" && failures-- > 0) return Promise.reject(new Error("hub down"));
        if (key === "b") done();
        return Promise.resolve();
      },
      (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    );
    await finished;
    queue.stop();
    await running;
    expect(seen).toEqual(["a", "b", "b"]);
    expect(errors).toEqual(["b: hub down"]);
  });

  it("never hands one key to two workers at once, and runs others beside it", async () => {
    const queue = new WorkQueue(1, 10);
    const running = new Set<string>();
    const overlaps: string[] = [];
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const run = queue.run(
      async (key) => {
        if (running.has(key)) overlaps.push(key);
        running.add(key);
        if (key === "a" && handled.length === 0) {
          queue.add("a"); // again while handled: must wait
          queue.add("b"); // another key: another worker takes it now
          await gate;
        }
        handled.push(key);
        running.delete(key);
        if (key === "b") release();
        if (handled.length === 3) done();
      },
      () => undefined,
      3,
    );
    queue.add("a");
    await finished;
    queue.stop();
    await run;
    expect(overlaps).toEqual([]);
    expect(handled).toEqual(["b", "a", "a"]);
  });
});
