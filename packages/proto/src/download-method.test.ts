import { describe, expect, it } from "vitest";

import { downloadMethod } from "./download-method.js";
import { DownloadResponse } from "./index.js";

const SIZES = [0, 1, 127, 128, 16_383, 16_384, 70_000, 2_097_152];

describe("the Download method's codec", () => {
  it("writes what the generated codec writes, and reads it back in place", () => {
    for (const size of SIZES) {
      const data = Buffer.alloc(size, size % 251);
      const wire = downloadMethod.responseSerialize({ data });
      expect(wire.equals(DownloadResponse.encode({ data }).finish()), `${size}`).toBe(true);
      const read = downloadMethod.responseDeserialize(wire).data;
      expect(read.equals(data), `${size}`).toBe(true);
      if (size > 0) expect(read.buffer).toBe(wire.buffer);
    }
  });

  it("leaves what it does not recognise to the generated codec", () => {
    // `data` followed by an unknown field 2 (varint 1): not a bare data message.
    const wire = Buffer.from([0x0a, 0x02, 0x61, 0x62, 0x10, 0x01]);
    expect(downloadMethod.responseDeserialize(wire).data.toString()).toBe("ab");
  });
});
