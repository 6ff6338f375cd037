import { spawn } from "node:child_process";
import { parseArgs } from "node:util";

import { runMain, UsageError, type Output } from "@warren/cli";
import { ConfigError } from "@warren/config";

import type { Command, CommandContext, SelfCommand } from "./command.js";
import { COMMANDS, loadAll } from "./commands/index.js";
import { WarrenError } from "./errors.js";
import { commandHelp, usage } from "./help.js";
import { WARREN_VERSION } from "./version.js";

export interface WarrenIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  stdin?: NodeJS.ReadableStream;
  openBrowser?: (url: string) => Promise<void>;
  selfCommand?: SelfCommand;
  signal?: AbortSignal;
}

/** The desktop's opener; where there is none, the printed URL is the way. */
function openInBrowser(url: string): Promise<void> {
  const opener =
    process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  return new Promise((resolve) => {
    const child = spawn(opener, [url], { stdio: "ignore", detached: true });
    child.on("error", () => {
      resolve();
    });
    child.on("spawn", () => {
      child.unref();
      resolve();
    });
  });
}

/** This program as kubectl can run it: node, its flags, and the script. */
const thisProgram = (): SelfCommand => ({
  command: process.execPath,
  args: [...process.execArgv, process.argv[1] ?? "warren"],
});

async function findCommand(argv: readonly string[]): Promise<{ command: Command; rest: string[] }> {
  for (const entry of COMMANDS) {
    if (entry.words.every((word, i) => argv[i] === word)) {
      return { command: await entry.load(), rest: argv.slice(entry.words.length) };
    }
  }
  throw new UsageError(
    `unknown command "${argv.slice(0, 2).join(" ")}"\n${usage(await loadAll())}`,
  );
}

async function dispatch(argv: readonly string[], io: WarrenIo): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === "help" || first === "--help" || first === "-h") {
    io.stdout.write(usage(await loadAll()));
    return 0;
  }
  if (first === "version" || first === "--version") {
    io.stdout.write(`warren ${WARREN_VERSION}\n`);
    return 0;
  }
  const { command, rest } = await findCommand(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.flags, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message}\nsee: warren ${command.words.join(" ")} --help`,
    );
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const context: CommandContext = {
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    now: io.now ?? (() => new Date()),
    stdin: io.stdin ?? process.stdin,
    openBrowser: io.openBrowser ?? openInBrowser,
    selfCommand: io.selfCommand ?? thisProgram(),
    signal: io.signal ?? new AbortController().signal,
  };
  await command.run(context, parsed.values, parsed.positionals);
  return 0;
}

// By name: importing hub-client here would load gRPC for every command, the plugin included.
const isUserError = (error: unknown) =>
  error instanceof WarrenError ||
  error instanceof ConfigError ||
  (error instanceof Error && error.name === "HubClientError");

/** Runs warren in-process: the binary and the tests both come through here. */
export function warren(argv: readonly string[], io: WarrenIo): Promise<number> {
  return runMain(() => dispatch(argv, io), { program: "warren", isUserError, stderr: io.stderr });
}
