import { parseArgs, type ParseArgsConfig } from "node:util";

import type { OptionSpecs } from "@warren/config";

import { UsageError } from "./usage-error.js";

type ParseOptions = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedCommandLine {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface ParseFlagsOptions {
  /** Flags beyond the option specs, e.g. --config or --format. */
  extra?: ParseOptions;
  /** How many positional arguments the command takes. Default 0. */
  maxPositionals?: number;
  /** e.g. "warren-hub start", for messages. */
  command: string;
}

/** Every spec with a flag becomes a string flag; unknown flags are usage errors. */
export function parseFlags(
  argv: readonly string[],
  specs: OptionSpecs,
  options: ParseFlagsOptions,
): ParsedCommandLine {
  const fromSpecs: ParseOptions = {};
  for (const spec of Object.values(specs)) {
    if (spec.flag !== undefined) fromSpecs[spec.flag] = { type: "string" };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...fromSpecs, ...options.extra, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nsee: ${options.command} --help`);
  }
  const max = options.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    throw new UsageError(
      `unexpected argument "${parsed.positionals[max] ?? ""}"\nsee: ${options.command} --help`,
    );
  }
  return {
    flags: parsed.values,
    positionals: parsed.positionals,
  };
}
