import { describe, expect, it } from "vitest";

import { table } from "./table.js";
import { humanDuration, timeWithRelative } from "./time.js";

describe("output", () => {
  it("pads columns to their widest cell and trims line ends", () => {
    expect(
      table(
        ["ID", "STATUS"],
        [
          ["a1", "active"],
          ["b22222", "used up"],
        ],
      ),
    ).toBe("ID      STATUS\na1      active\nb22222  used up\n");
  });

  it("says durations coarsely, the way people read them", () => {
    expect(humanDuration(45_000)).toBe("45s");
    expect(humanDuration(29 * 60_000 + 59_000)).toBe("29m");
    expect(humanDuration(2 * 3_600_000 + 5 * 60_000)).toBe("2h5m");
    expect(humanDuration(3 * 86_400_000)).toBe("3d");
  });

  it("puts times in UTC to the second with how far away they are", () => {
    const now = new Date("2026-11-22T10:00:00Z");
    expect(timeWithRelative(new Date("2026-11-22T10:30:00Z"), now)).toBe(
      "2026-11-22T10:30:00Z (in 30m)",
    );
    expect(timeWithRelative(new Date("2026-11-22T09:55:00Z"), now)).toBe(
      "2026-11-22T09:55:00Z (5m ago)",
    );
  });
});
