import { describe, expect, it } from "vitest";

import { compileLabelSelector } from "./label-matcher.js";

describe("compileLabelSelector", () => {
  it("matches exact values, *, globs and ^regex$", () => {
    const select = compileLabelSelector({
      env: ["dev"],
      team: ["*"],
      region: ["eu-*"],
      tier: ["^(gold|silver)$"],
    });
    expect(select({ env: "dev", team: "x", region: "eu-west-1", tier: "gold" })).toBe(true);
    expect(select({ env: "dev", team: "x", region: "us-east-1", tier: "gold" })).toBe(false);
    expect(select({ env: "dev", region: "eu-west-1", tier: "gold" })).toBe(false);
    expect(select({ env: "dev", team: "x", region: "eu-1", tier: "golden" })).toBe(false);
  });

  it("treats glob metacharacters other than * and ? literally", () => {
    expect(compileLabelSelector({ v: ["1.2*"] })({ v: "1x2" })).toBe(false);
    expect(compileLabelSelector({ v: ["1.2*"] })({ v: "1.25" })).toBe(true);
  });

  it("matches everything with * : *, nothing when empty", () => {
    expect(compileLabelSelector({ "*": ["*"] })({})).toBe(true);
    expect(compileLabelSelector({})({ env: "dev" })).toBe(false);
  });
});
