import { describe, expect, it } from "vitest";

import { followedLabels } from "./agent-labels.js";

describe("a cluster's labels following its agent", () => {
  it("changes, adds and drops only the keys the token allowed", () => {
    const current = { env: "prod", tier: "a", region: "eu" };
    expect(
      followedLabels(current, ["tier", "zone"], { tier: "b", zone: "z1", env: "dev" }),
    ).toEqual({ env: "prod", tier: "b", region: "eu", zone: "z1" });
    expect(followedLabels(current, ["tier"], {})).toEqual({ env: "prod", region: "eu" });
    expect(followedLabels(current, [], { env: "dev" })).toEqual(current);
  });
});
