import { AgentServiceService, type HubReplica } from "@warren/proto";
import { errorFields, type Logger } from "@warren/log";
import type { HubReplicaRecord } from "@warren/store";

import type { ConnectedAgent } from "../tunnel/agent-registry.js";

const PUSH_TIMEOUT_MS = 10_000;

export const toWire = (replicas: readonly HubReplicaRecord[]): HubReplica[] =>
  replicas.map(({ id, tunnelAddr }) => ({ id, tunnelAddr }));

/** Tells one agent the live replicas; an agent too old to know the call is left as it is. */
export async function pushReplicas(
  agent: ConnectedAgent,
  replicas: readonly HubReplicaRecord[],
  logger: Logger,
): Promise<void> {
  try {
    await agent.tunnel.grpc.unary(
      AgentServiceService.setHubReplicas,
      { replicas: toWire(replicas) },
      { timeoutMs: PUSH_TIMEOUT_MS },
    );
  } catch (error) {
    if (agent.tunnel.closed) return;
    logger.debug({ agentId: agent.record.id, ...errorFields(error) }, "could not push replicas");
  }
}
