import { describe, expect, it } from "vitest";

import type { ConnectedAgent } from "./agent-registry.js";
import { agentSay, followedLabels } from "./agent-labels.js";

/** Only what agentSay reads: the agent's record and its token's label keys. */
const agentWithKeys = (labelKeys: string[]) =>
  ({ record: { labelKeys } }) as unknown as ConnectedAgent;

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

describe("what an agent may say about its cluster's labels", () => {
  const detected = {
    "warren.dev/kubernetes-version": "v1.30.5-gke.1014001",
    "warren.dev/gke-autopilot": "true",
    "warren.dev/other": "x",
  };

  it("says the detected keys, and nothing else under warren.dev/, whatever its token allows", () => {
    const agent = agentWithKeys(["tier", "warren.dev/gke-autopilot"]);
    const said = agentSay(
      agent,
      { tier: "b", env: "dev", "warren.dev/gke-autopilot": "no" },
      detected,
    );
    expect(said.labels).toEqual({
      tier: "b",
      "warren.dev/kubernetes-version": "v1.30.5-gke.1014001",
      "warren.dev/gke-autopilot": "true",
    });
    expect(said.keys).toEqual([
      "tier",
      "warren.dev/kubernetes-version",
      "warren.dev/provider",
      "warren.dev/gke-autopilot",
    ]);
  });

  it("leaves the detected keys alone until the agent has detected anything", () => {
    const said = agentSay(agentWithKeys(["tier"]), { tier: "b" }, {});
    expect(said).toEqual({ keys: ["tier"], labels: { tier: "b" } });
    expect(followedLabels({ "warren.dev/provider": "gke" }, said.keys, said.labels)).toEqual({
      "warren.dev/provider": "gke",
      tier: "b",
    });
  });
});
