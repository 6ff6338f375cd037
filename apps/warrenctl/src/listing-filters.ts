import { parseDuration } from "@warren/config";

import { WarrenctlError, WarrenctlErrorCode } from "./errors.js";

/** --since 1h (ago) or an ISO time. */
export function sinceOf(text: string | undefined, now: Date): number {
  if (text === undefined) return 0;
  const time = Date.parse(text);
  if (!Number.isNaN(time)) return time;
  try {
    return now.getTime() - parseDuration(text);
  } catch {
    throw new WarrenctlError(
      WarrenctlErrorCode.InvalidFlag,
      `--since: "${text}" is neither a duration (30m, 2h) nor a time (2026-01-02T15:04:05Z)`,
    );
  }
}
