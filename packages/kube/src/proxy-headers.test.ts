import { describe, expect, it } from "vitest";

import { forwardableHeaders, headerLines, isUpgradeRequest } from "./proxy-headers.js";

const lines = headerLines([
  "Authorization",
  "Bearer secret",
  "Impersonate-User",
  "admin",
  "impersonate-group",
  "system:masters",
  "Accept",
  "application/json",
  "Connection",
  "Upgrade",
  "Upgrade",
  "websocket",
  "Transfer-Encoding",
  "chunked",
  "X-Stream-Protocol-Version",
  "v5.channel.k8s.io",
  "X-Stream-Protocol-Version",
  "v4.channel.k8s.io",
]);

describe("forwardableHeaders", () => {
  it("drops credentials, impersonation and hop-by-hop headers, keeping repeats", () => {
    expect(forwardableHeaders(lines, false).map((l) => `${l.name}: ${l.value}`)).toEqual([
      "Accept: application/json",
      "X-Stream-Protocol-Version: v5.channel.k8s.io",
      "X-Stream-Protocol-Version: v4.channel.k8s.io",
    ]);
  });

  it("keeps Connection and Upgrade on upgrades", () => {
    expect(isUpgradeRequest(lines)).toBe(true);
    expect(forwardableHeaders(lines, true).map((l) => l.name)).toContain("Upgrade");
    expect(forwardableHeaders(lines, true).map((l) => l.name)).not.toContain("Authorization");
  });
});
