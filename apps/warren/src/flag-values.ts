import type { FlagValues } from "./command.js";
import { invalidFlag } from "./errors.js";

export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const raw = flags[name];
  return typeof raw === "string" && raw.trim() !== "" ? raw.trim() : undefined;
}

export function requiredStringFlag(flags: FlagValues, name: string, hint: string): string {
  const value = stringFlag(flags, name);
  if (value === undefined) throw invalidFlag(`--${name} is required: ${hint}`);
  return value;
}

export type OutputFormat = "text" | "json";

export const FORMAT_FLAG = { format: { type: "string" } } as const;
export const FORMAT_HELP = "--format text|json   output format (default text)";

export function formatOf(flags: FlagValues): OutputFormat {
  const format = stringFlag(flags, "format") ?? "text";
  if (format !== "text" && format !== "json") throw invalidFlag("--format: text or json");
  return format;
}
