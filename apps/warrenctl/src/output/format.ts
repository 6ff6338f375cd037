import { oneOf } from "@warren/config";

import { WarrenctlError, WarrenctlErrorCode } from "../errors.js";
import type { FlagOptions, FlagValues } from "../command.js";

export const FORMATS = ["text", "json"] as const;
export type Format = (typeof FORMATS)[number];

export const FORMAT_FLAG: FlagOptions = { format: { type: "string", default: "text" } };
export const FORMAT_HELP = "--format text|json   json for scripts (default text)";

export function formatOf(flags: FlagValues): Format {
  try {
    return oneOf(FORMATS)(flags.format ?? "text");
  } catch (error) {
    throw new WarrenctlError(
      WarrenctlErrorCode.InvalidFlag,
      `--format: ${(error as Error).message}`,
    );
  }
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** A proto3 string field for JSON output: left out when empty (proto3 cannot say "unset"). */
export const unlessEmpty = (text: string | undefined): string | undefined =>
  text === undefined || text === "" ? undefined : text;
