import { describe, expect, it } from "vitest";

import { pageOf } from "./recording-admin.js";

const chunk = (seq: number, kib: number) => ({ seq, data: Buffer.alloc(kib * 1024) });

describe("a recording's pages", () => {
  it("hold up to 16 small chunks, or chunks up to 1 MiB, and always one", () => {
    const quiet = Array.from({ length: 17 }, (_, seq) => chunk(seq, 1));
    expect(pageOf(quiet).map((c) => c.seq)).toEqual(quiet.slice(0, 16).map((c) => c.seq));
    const busy = Array.from({ length: 17 }, (_, seq) => chunk(seq, 300));
    expect(pageOf(busy).map((c) => c.seq)).toEqual([0, 1, 2, 3]);
    expect(pageOf([chunk(0, 4000), chunk(1, 1)]).map((c) => c.seq)).toEqual([0]);
  });
});
