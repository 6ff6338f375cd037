import { silentLogger, type Logger } from "@warren/log";
import { afterEach, describe, expect, it, vi } from "vitest";

import { UnauthenticatedLog } from "./unauthenticated-log.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("UnauthenticatedLog", () => {
  it("logs the first refusal of a period and sums up the rest in one line", () => {
    vi.useFakeTimers();
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (fields, message) => lines.push({ fields, message }),
    };
    const log = new UnauthenticatedLog(logger, 1000);
    for (let i = 0; i < 1000; i++) log.refused(`10.0.0.${String(i % 7)}`, "no certificate");
    expect(lines.map((l) => l.message)).toEqual(["refused an unauthenticated kube request"]);
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.fields.count).toBe(999);
    expect(Object.keys(lines[1]?.fields.byAddress as object)).toHaveLength(5);
    vi.advanceTimersByTime(5000);
    expect(lines).toHaveLength(2);
  });
});
