import { describe, expect, it } from "vitest";

import { isStateSecretOf } from "./delete-state.js";

describe("isStateSecretOf", () => {
  it("matches only <statefulset>-<ordinal>-state", () => {
    expect(isStateSecretOf("warren-agent", "warren-agent-0-state")).toBe(true);
    expect(isStateSecretOf("warren-agent", "warren-agent-12-state")).toBe(true);
    expect(isStateSecretOf("warren-agent", "warren-agent-join-token")).toBe(false);
    expect(isStateSecretOf("warren-agent", "warren-agent-x-state")).toBe(false);
    expect(isStateSecretOf("warren-agent", "warren-agent-01-state")).toBe(false);
    expect(isStateSecretOf("warren", "warren-agent-0-state")).toBe(false);
    expect(isStateSecretOf("warren-agent", "other-0-state")).toBe(false);
  });
});
