import { readFile } from "node:fs/promises";

import { errorFields, type Logger } from "@warren/log";

import type { AgentConfig } from "./config/agent-config.js";
import { IdentityKeeper } from "./identity/identity-keeper.js";
import { GrpcHubApi } from "./join/hub-api.js";
import { createStateStore } from "./state/create-state-store.js";
import { AGENT_VERSION } from "./version.js";

export interface Agent {
  /** Resolves once the agent has an identity and runs; rejects only on a bug. */
  readonly ready: Promise<void>;
  /** Stops renewing and checking; running work ends. */
  stop(): Promise<void>;
}

function tokenReader(config: AgentConfig, logger: Logger): () => Promise<string | undefined> {
  const { tokenFile, token } = config;
  if (tokenFile === undefined) return () => Promise.resolve(token);
  return async () => {
    try {
      const text = (await readFile(tokenFile, "utf8")).trim();
      return text === "" ? undefined : text;
    } catch (error) {
      logger.warn({ tokenFile, ...errorFields(error) }, "cannot read the join token file");
      return undefined;
    }
  };
}

export function startAgent(config: AgentConfig, logger: Logger): Agent {
  const store = createStateStore(config);
  const keeper = new IdentityKeeper({
    store,
    hub: new GrpcHubApi({
      hubAddr: config.hubAddr,
      caPin: config.caPin,
      agentVersion: AGENT_VERSION,
    }),
    logger: logger.child("identity"),
    hubAddr: config.hubAddr,
    clusterName: config.clusterName,
    labels: config.labels,
    caPinned: config.caPin !== undefined,
    autoRejoin: config.autoRejoin,
    checkIntervalMs: config.checkIntervalMs,
    readToken: tokenReader(config, logger),
  });
  logger.info(
    {
      version: AGENT_VERSION,
      hubAddr: config.hubAddr,
      cluster: config.clusterName,
      store: store.description,
    },
    "agent starting",
  );
  const ready = keeper.establish().then((identity) => {
    keeper.start();
    logger.info(
      { agentId: identity.agentId, cluster: identity.clusterName, hubAddr: config.hubAddr },
      "agent ready",
    );
  });
  return { ready, stop: () => keeper.stop() };
}
