import { describe, expect, it } from "vitest";

import { certificateSerial } from "./certificate-template.js";

describe("certificateSerial", () => {
  it("is a minimal positive DER INTEGER whatever the random bytes", () => {
    for (const first of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
      const random = Buffer.alloc(16, 0x00);
      random[0] = first;
      const serial = Buffer.from(certificateSerial(random), "hex");
      expect(serial).toHaveLength(16);
      // Neither a sign bit (negative) nor a zero first byte (non-minimal: OpenSSL's "illegal padding").
      expect(serial[0]).toBeGreaterThanOrEqual(0x40);
      expect(serial[0]).toBeLessThan(0x80);
    }
  });
});
