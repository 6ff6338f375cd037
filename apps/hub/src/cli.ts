import { optionsHelp, parseFlags, shutdownSignal, UsageError, type Output } from "@warren/cli";
import { ConfigError } from "@warren/config";
import { createLogger } from "@warren/log";
import { PkiError } from "@warren/pki";
import { StoreError } from "@warren/store";

import { hubOptionSpecs, loadHubConfig } from "./config/hub-config.js";
import { HubError } from "./errors.js";
import { startHub } from "./hub.js";
import { HUB_VERSION } from "./version.js";

const USAGE = `usage: warren-hub <command>

commands:
  start     run the hub (see warren-hub start --help)
  version   print the version`;

/** How long running calls get to finish after SIGTERM, in milliseconds. */
const SHUTDOWN_GRACE_MS = 10_000;

export function isHubUserError(error: unknown): boolean {
  return (
    error instanceof ConfigError ||
    error instanceof HubError ||
    error instanceof StoreError ||
    error instanceof PkiError
  );
}

export interface HubCliIo {
  stdout: Output;
  env: NodeJS.ProcessEnv;
}

async function start(argv: readonly string[], io: HubCliIo): Promise<number> {
  const specs = hubOptionSpecs(io.env);
  const { flags } = parseFlags(argv, specs, {
    command: "warren-hub start",
    extra: { config: { type: "string" } },
  });
  if (flags.help) {
    io.stdout.write(
      `usage: warren-hub start [--config FILE] [flags]\n\n  --config FILE [WARREN_HUB_CONFIG]   YAML file with the fields below\n${optionsHelp(specs)}\n`,
    );
    return 0;
  }
  const configPath = typeof flags.config === "string" ? flags.config : io.env.WARREN_HUB_CONFIG;
  const config = await loadHubConfig({ flags, env: io.env, configPath });
  const logger = createLogger({ name: "warren-hub", level: config.logLevel });
  const hub = await startHub(config, logger);
  const signal = await shutdownSignal();
  logger.info({ signal }, "shutting down");
  await hub.stop(SHUTDOWN_GRACE_MS);
  return 0;
}

export async function hubMain(argv: readonly string[], io: HubCliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      return start(rest, io);
    case "version":
    case "--version":
      io.stdout.write(`warren-hub ${HUB_VERSION}\n`);
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}
