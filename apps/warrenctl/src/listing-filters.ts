import { parseDuration } from "@warren/config";

import type { FlagOptions, FlagValues } from "./command.js";
import { WarrenctlError, WarrenctlErrorCode } from "./errors.js";
import { countFlag, stringFlag } from "./flag-values.js";

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

/** --user, --cluster, --since and --limit: how the audit log and recordings are narrowed. */
export const LISTING_FLAGS: FlagOptions = {
  user: { type: "string" },
  cluster: { type: "string" },
  since: { type: "string" },
  limit: { type: "string" },
};

/** Help for LISTING_FLAGS; `items` names what is listed ("events", "sessions"). */
export const listingHelp = (items: string, userDoes: string) => [
  `--user NAME          only ${userDoes}`,
  `--cluster NAME       only ${items} on this cluster`,
  `--since 1h|TIME      only ${items} since then`,
  `--limit N            at most N ${items} (default 100)`,
];

/** The filters as the admin API takes them (empty and 0: not narrowed). */
export function listingFilters(flags: FlagValues, now: Date) {
  return {
    user: stringFlag(flags, "user") ?? "",
    cluster: stringFlag(flags, "cluster") ?? "",
    sinceUnixMs: sinceOf(stringFlag(flags, "since"), now),
    limit: countFlag(flags, "limit", 10_000) ?? 0,
  };
}
