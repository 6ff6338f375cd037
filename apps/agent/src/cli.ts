import { optionsHelp, parseFlags, shutdownSignal, UsageError, type Output } from "@warren/cli";
import { ConfigError } from "@warren/config";
import { createLogger } from "@warren/log";

import { KubeConfig } from "@kubernetes/client-node";

import { startAgent } from "./agent.js";
import { deleteStateSecrets } from "./state/delete-state.js";
import { agentOptionSpecs, loadAgentConfig } from "./config/agent-config.js";
import { AgentError } from "./errors.js";
import { AGENT_VERSION } from "./version.js";

const USAGE = `usage: warren-agent [start] [flags]   (see warren-agent start --help)
       warren-agent delete-state --statefulset NAME   (the Helm chart's uninstall hook)
       warren-agent version`;

export function isAgentUserError(error: unknown): boolean {
  return error instanceof ConfigError || error instanceof AgentError;
}

export interface AgentCliIo {
  stdout: Output;
  env: NodeJS.ProcessEnv;
}

async function start(argv: readonly string[], io: AgentCliIo): Promise<number> {
  const specs = agentOptionSpecs();
  const { flags } = parseFlags(argv, specs, {
    command: "warren-agent start",
    extra: { "no-auto-rejoin": { type: "boolean" } },
  });
  if (flags.help) {
    io.stdout.write(
      `usage: warren-agent start [flags]\n\n${optionsHelp(specs)}\n  --no-auto-rejoin   do not re-join by itself when the hub's CA changed\n`,
    );
    return 0;
  }
  const config = loadAgentConfig(flags, io.env);
  const logger = createLogger({ name: "warren-agent", level: config.logLevel });
  const agent = startAgent(config, logger);
  try {
    // The agent may wait long for a token or a hub; a signal still stops it at once.
    const outcome = await Promise.race([
      agent.ready.then(() => shutdownSignal()),
      shutdownSignal(),
    ]);
    logger.info({ signal: outcome }, "shutting down");
  } finally {
    // A start that failed has stopped what it started already; this logs the end.
    await agent.stop();
  }
  return 0;
}

/** Deletes the -state Secrets of a StatefulSet's agents in POD_NAMESPACE. */
async function deleteState(argv: readonly string[], io: AgentCliIo): Promise<number> {
  const { flags } = parseFlags(
    argv,
    {},
    {
      command: "warren-agent delete-state",
      extra: { statefulset: { type: "string" } },
    },
  );
  const statefulSet = flags.statefulset;
  const namespace = io.env.POD_NAMESPACE;
  if (typeof statefulSet !== "string" || statefulSet === "" || !namespace) {
    throw new UsageError("warren-agent delete-state needs --statefulset NAME and POD_NAMESPACE");
  }
  const kubeConfig = new KubeConfig();
  if (io.env.KUBECONFIG) kubeConfig.loadFromFile(io.env.KUBECONFIG);
  else kubeConfig.loadFromCluster();
  const deleted = await deleteStateSecrets(kubeConfig, namespace, statefulSet);
  io.stdout.write(
    deleted.length === 0
      ? `no -state Secrets of ${statefulSet} in ${namespace}\n`
      : deleted.map((name) => `deleted secret ${namespace}/${name}\n`).join(""),
  );
  return 0;
}

export async function agentMain(argv: readonly string[], io: AgentCliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return start([], io);
    case "start":
      return start(rest, io);
    case "delete-state":
      return deleteState(rest, io);
    case "version":
    case "--version":
      io.stdout.write(`warren-agent ${AGENT_VERSION}\n`);
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
