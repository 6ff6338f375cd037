import { describe, expect, it, vi } from "vitest";

import { HandshakeGate } from "./handshake-gate.js";

describe("HandshakeGate", () => {
  it("runs up to its limit at once and the newest waiting one as each turn ends", () => {
    const gate = new HandshakeGate(2, 60_000);
    const started: string[] = [];
    const end = new Map<string, () => void>();
    for (const name of ["a", "b", "c", "d"])
      end.set(
        name,
        gate.admit(() => started.push(name)),
      );
    expect(started).toEqual(["a", "b"]);
    expect(gate.waiting).toBe(2);
    end.get("b")?.();
    expect(started).toEqual(["a", "b", "d"]);
    end.get("b")?.(); // a second end of the same turn frees nothing more
    expect(started).toEqual(["a", "b", "d"]);
    end.get("a")?.();
    expect(started).toEqual(["a", "b", "d", "c"]);
    expect(gate.waiting).toBe(0);
  });

  it("skips a turn that ended while it waited, and gives its place to the next", () => {
    const gate = new HandshakeGate(1, 60_000);
    const started: string[] = [];
    const endA = gate.admit(() => started.push("a"));
    gate.admit(() => started.push("b"));
    const endC = gate.admit(() => started.push("c"));
    endC(); // c's connection closed in the queue
    endA();
    expect(started).toEqual(["a", "b"]);
  });

  it("gives the turn of a handshake that runs past turnMs to the next one", () => {
    vi.useFakeTimers();
    try {
      const gate = new HandshakeGate(1, 100);
      const started: string[] = [];
      const endA = gate.admit(() => started.push("a"));
      gate.admit(() => started.push("b"));
      vi.advanceTimersByTime(99);
      expect(started).toEqual(["a"]);
      vi.advanceTimersByTime(1);
      expect(started).toEqual(["a", "b"]);
      endA(); // a's end after its turn ran out frees nothing more
      expect(gate.waiting).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
