import type { ParseArgsConfig } from "node:util";

import type { Output } from "@warren/cli";

import type { HubConnection } from "./hub-connection.js";

export type FlagOptions = NonNullable<ParseArgsConfig["options"]>;
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** What a command may touch: nothing global, so tests run the CLI in-process. */
export interface CommandContext {
  stdout: Output;
  env: NodeJS.ProcessEnv;
  now(): Date;
  /** Connects to the hub as an admin, with the profile the global flags select. */
  hub(): Promise<HubConnection>;
}

/** One `warrenctl <noun> <verb>`, in a file of its own. */
export interface Command {
  noun: string;
  verb: string;
  summary: string;
  /** Positional arguments, for help, e.g. "ID". */
  args?: string;
  flags: FlagOptions;
  /** One line per flag for help. */
  flagHelp: readonly string[];
  run(context: CommandContext, flags: FlagValues, args: readonly string[]): Promise<void>;
}
