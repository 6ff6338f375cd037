import { durationMs, positiveInteger, type ValueParser } from "@warren/config";
import { IdentityError, parseLabels, type Labels } from "@warren/identity";

import type { FlagValues } from "./command.js";
import { WarrenctlError, WarrenctlErrorCode } from "./errors.js";

/** Parses one flag's value, turning any complaint into a WarrenctlError naming the flag. */
function flag<T>(flags: FlagValues, name: string, parse: ValueParser<T>): T | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  try {
    return parse(raw);
  } catch (error) {
    if (error instanceof Error && !(error instanceof TypeError)) {
      throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `--${name}: ${error.message}`);
    }
    throw error;
  }
}

export const durationFlag = (flags: FlagValues, name: string) => flag(flags, name, durationMs);

export const countFlag = (flags: FlagValues, name: string, max: number) =>
  flag(flags, name, positiveInteger(max));

export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const raw = flags[name];
  return typeof raw === "string" ? raw : undefined;
}

export function requiredStringFlag(flags: FlagValues, name: string, hint: string): string {
  const value = stringFlag(flags, name);
  if (value === undefined || value.trim() === "") {
    throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `--${name} is required: ${hint}`);
  }
  return value.trim();
}

/** The first positional argument, e.g. the ID of `agents rm ID`. */
export function requiredArg(args: readonly string[], what: string, usage: string): string {
  const [value] = args;
  if (value === undefined)
    throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `which ${what}? ${usage}`);
  return value;
}

/** An optional comma-separated list, e.g. --agent-label-keys a,b; empty when not given. */
export function listFlag(flags: FlagValues, name: string): string[] {
  return (stringFlag(flags, name) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** A required comma-separated list, e.g. --roles a,b. */
export function requiredListFlag(flags: FlagValues, name: string, hint: string): string[] {
  const items = requiredStringFlag(flags, name, hint)
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0)
    throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `--${name} is required: ${hint}`);
  return items;
}

export function labelsFlag(flags: FlagValues, name: string): Labels {
  return (
    flag(flags, name, (raw) => {
      try {
        return parseLabels(String(raw));
      } catch (error) {
        if (error instanceof IdentityError) throw new Error(error.message);
        throw error;
      }
    }) ?? {}
  );
}
