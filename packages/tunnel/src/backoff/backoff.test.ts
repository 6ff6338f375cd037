import { describe, expect, it } from "vitest";

import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  it("doubles from the initial delay up to the cap, and starts over after reset", () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1000]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it("spreads delays by the jitter fraction but never past the cap", () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.5, random: () => 1 });
    expect(low.next()).toBe(50);
    expect(high.next()).toBe(1000);
  });
});
