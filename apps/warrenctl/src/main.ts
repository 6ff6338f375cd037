import { parseArgs } from "node:util";

import { runMain, UsageError, type Output } from "@warren/cli";
import { ConfigError } from "@warren/config";
import { HubClientError } from "@warren/hub-client";

import type { Command, CommandContext, FlagOptions, FlagValues } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { WarrenctlError } from "./errors.js";
import { commandHelp, usage } from "./help.js";
import { connectAsAdmin, type HubConnection } from "./hub-connection.js";
import { selectProfilePath } from "./profile-path.js";
import { WARRENCTL_VERSION } from "./version.js";

const GLOBAL_FLAGS: FlagOptions = {
  profile: { type: "string" },
  "data-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
};

export interface WarrenctlIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  /** Defaults to the system clock. */
  now?: () => Date;
}

function findCommand(noun: string, verb: string | undefined): Command {
  // Some commands are a noun alone (warrenctl create -f FILE).
  const nounOnly = COMMANDS.find((c) => c.noun === noun && c.verb === "");
  if (nounOnly) return nounOnly;
  const command = COMMANDS.find((c) => c.noun === noun && c.verb === verb);
  if (command) return command;
  const verbs = COMMANDS.filter((c) => c.noun === noun).map((c) => c.verb);
  if (verbs.length === 0) throw new UsageError(`unknown command "${noun}"\n${usage(COMMANDS)}`);
  throw new UsageError(`warrenctl ${noun} takes one of: ${verbs.join(", ")}`);
}

function parse(command: Command, argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...GLOBAL_FLAGS, ...command.flags },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message}\nsee: warrenctl ${command.noun} ${command.verb} --help`,
    );
  }
}

async function dispatch(argv: readonly string[], io: WarrenctlIo): Promise<number> {
  const [noun, verb, ...rest] = argv;
  if (noun === undefined || noun === "help" || noun === "--help" || noun === "-h") {
    io.stdout.write(usage(COMMANDS));
    return 0;
  }
  if (noun === "version" || noun === "--version") {
    io.stdout.write(`warrenctl ${WARRENCTL_VERSION}\n`);
    return 0;
  }
  const command = findCommand(noun, verb);
  const { values, positionals } = parse(command, command.verb === "" ? argv.slice(1) : rest);
  const flags = values as FlagValues;
  if (flags.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  let connection: HubConnection | undefined;
  const context: CommandContext = {
    stdout: io.stdout,
    env: io.env,
    now: io.now ?? (() => new Date()),
    hub: async () => {
      const profile = typeof flags.profile === "string" ? flags.profile : undefined;
      const dataDir = typeof flags["data-dir"] === "string" ? flags["data-dir"] : undefined;
      connection ??= await connectAsAdmin(selectProfilePath({ profile, dataDir }, io.env));
      return connection;
    },
  };
  try {
    await command.run(context, flags, positionals);
  } finally {
    connection?.close();
  }
  return 0;
}

export function isWarrenctlUserError(error: unknown): boolean {
  return (
    error instanceof WarrenctlError ||
    error instanceof HubClientError ||
    error instanceof ConfigError
  );
}

/** Runs warrenctl in-process: the binary and the tests both come through here. */
export function warrenctl(argv: readonly string[], io: WarrenctlIo): Promise<number> {
  return runMain(() => dispatch(argv, io), {
    program: "warrenctl",
    isUserError: isWarrenctlUserError,
    stderr: io.stderr,
  });
}
