import { describe, expect, it } from "vitest";

import { warningHeaderValue } from "./warning-header.js";

describe("warningHeaderValue", () => {
  it("quotes the text as the API server's warnings are quoted", () => {
    expect(warningHeaderValue('user "bo" is locked')).toBe('299 - "user \\"bo\\" is locked"');
  });

  it("keeps only what a header value may hold", () => {
    expect(warningHeaderValue("line\nbreak … done")).toBe('299 - "line?break ? done"');
    expect(warningHeaderValue("x".repeat(5000))).toHaveLength(1024 + 8);
  });
});
