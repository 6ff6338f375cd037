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
});
