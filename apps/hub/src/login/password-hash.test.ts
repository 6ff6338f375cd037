import { describe, expect, it } from "vitest";

import { hashPassword, verifyPassword } from "./password-hash.js";

describe("password hashes", () => {
  it("match only the password they were made from, with a fresh salt each time", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
    expect(await hashPassword("correct horse battery")).not.toBe(hash);
    expect(await verifyPassword("x", "md5$abc")).toBe(false);
  });
});
