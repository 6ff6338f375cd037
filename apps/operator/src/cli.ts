import { optionsHelp, parseFlags, shutdownSignal, UsageError, type Output } from "@warren/cli";
import { ConfigError } from "@warren/config";
import { createLogger } from "@warren/log";

import { loadOperatorConfig, operatorOptionSpecs } from "./config/operator-config.js";
import { OperatorError } from "./errors.js";
import { startOperator } from "./operator.js";
import { OPERATOR_VERSION } from "./version.js";

const USAGE = `usage: warren-operator [start] [flags]   (see warren-operator start --help)
       warren-operator version`;

export function isOperatorUserError(error: unknown): boolean {
  return error instanceof ConfigError || error instanceof OperatorError;
}

export interface OperatorCliIo {
  stdout: Output;
  env: NodeJS.ProcessEnv;
}

async function start(argv: readonly string[], io: OperatorCliIo): Promise<number> {
  const specs = operatorOptionSpecs();
  const { flags } = parseFlags(argv, specs, { command: "warren-operator start" });
  if (flags.help) {
    io.stdout.write(`usage: warren-operator start [flags]\n\n${optionsHelp(specs)}\n`);
    return 0;
  }
  const config = loadOperatorConfig(flags, io.env);
  const logger = createLogger({ name: "warren-operator", level: config.logLevel });
  const operator = startOperator(config, logger);
  const signal = await shutdownSignal();
  logger.info({ signal }, "shutting down");
  await operator.stop();
  return 0;
}

export async function operatorMain(argv: readonly string[], io: OperatorCliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return start([], io);
    case "start":
      return start(rest, io);
    case "version":
    case "--version":
      io.stdout.write(`warren-operator ${OPERATOR_VERSION}\n`);
      return 0;
    case "help":
    case "--help":
    case "-h":
      io.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      if (command.startsWith("--")) return start(argv, io);
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}
