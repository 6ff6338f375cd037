import type { ParseArgsConfig } from "node:util";

import type { Output } from "@warren/cli";

export type FlagOptions = NonNullable<ParseArgsConfig["options"]>;
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** How kubectl runs this CLI as its exec credential plugin. */
export interface SelfCommand {
  command: string;
  args: string[];
}

/** What a command may touch: nothing global, so tests run the CLI in-process. */
export interface CommandContext {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  now(): Date;
  /** Where --password-stdin reads from. */
  stdin: NodeJS.ReadableStream;
  /** Shows the person a URL in their browser (a test drives the login itself instead). */
  openBrowser(url: string): Promise<void>;
  selfCommand: SelfCommand;
  /** Aborted on Ctrl-C: a login waiting for the browser stops. */
  signal: AbortSignal;
}

/** One `warren <words…>`, in a file of its own. */
export interface Command {
  /** The words that name it: ["login"], ["kube", "ls"]. */
  words: readonly string[];
  summary: string;
  args?: string;
  flags: FlagOptions;
  flagHelp: readonly string[];
  run(context: CommandContext, flags: FlagValues, args: readonly string[]): Promise<void>;
}
