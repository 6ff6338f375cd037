import { describe, expect, it } from "vitest";

import { conditionsDiffer, setConditions } from "./conditions.js";

const at = (iso: string) => new Date(iso);

describe("setConditions", () => {
  it("keeps lastTransitionTime while the status holds, and moves it when it changes", () => {
    const first = setConditions(
      [],
      [{ type: "SuccessfullyReconciled", status: "False", reason: "HubError", message: "a" }],
      1,
      at("2026-01-01T00:00:00.000Z"),
    );
    const same = setConditions(
      first,
      [{ type: "SuccessfullyReconciled", status: "False", reason: "HubError", message: "b" }],
      2,
      at("2026-01-01T00:05:00.000Z"),
    );
    expect(same[0]).toMatchObject({
      lastTransitionTime: "2026-01-01T00:00:00Z",
      message: "b",
      observedGeneration: 2,
    });
    const flipped = setConditions(
      same,
      [{ type: "SuccessfullyReconciled", status: "True", reason: "NoError", message: "ok" }],
      2,
      at("2026-01-01T00:06:00.000Z"),
    );
    expect(flipped[0]?.lastTransitionTime).toBe("2026-01-01T00:06:00Z");
  });

  it("adds new types after the existing ones and leaves the others as they were", () => {
    const start = setConditions(
      [],
      [{ type: "A", status: "True", reason: "R", message: "m" }],
      1,
      at("2026-01-01T00:00:00Z"),
    );
    const next = setConditions(
      start,
      [{ type: "B", status: "False", reason: "R", message: "m" }],
      1,
      at("2026-01-02T00:00:00Z"),
    );
    expect(next.map((c) => c.type)).toEqual(["A", "B"]);
    expect(next[0]).toEqual(start[0]);
  });
});

describe("conditionsDiffer", () => {
  it("ignores time alone, sees any change of what a condition says", () => {
    const a = setConditions(
      [],
      [{ type: "A", status: "True", reason: "R", message: "m" }],
      1,
      at("2026-01-01T00:00:00Z"),
    );
    const later = a.map((c) => ({ ...c, lastTransitionTime: "2027-01-01T00:00:00Z" }));
    expect(conditionsDiffer(a, later)).toBe(false);
    expect(
      conditionsDiffer(
        a,
        a.map((c) => ({ ...c, message: "other" })),
      ),
    ).toBe(true);
    expect(conditionsDiffer(a, [])).toBe(true);
  });
});
