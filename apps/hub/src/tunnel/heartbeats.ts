import { errorFields } from "@warren/log";
import { AgentServiceService, type ClusterHealth } from "@warren/proto";

import type { HubStore } from "@warren/store";

import type { ConnectedAgent } from "./agent-registry.js";
import { followAgentLabels, type AgentLabelDeps } from "./agent-labels.js";
import { boundedPlacement, samePlacement } from "./agent-placement.js";

/** What an agent says is kept to sizes a person reads: a compromised one cannot fill memory. */
const MAX_VERSION = 64;
const MAX_TEXT = 4096;
const MAX_PERMISSIONS = 32;

export function boundedHealth(health: ClusterHealth | undefined): ClusterHealth | undefined {
  return (
    health && {
      ...health,
      reason: health.reason.slice(0, MAX_TEXT),
      detail: health.detail.slice(0, MAX_TEXT),
      missingPermissions: health.missingPermissions
        .slice(0, MAX_PERMISSIONS)
        .map((p) => p.slice(0, 128)),
    }
  );
}

export const boundedVersion = (version: string) => version.slice(0, MAX_VERSION);

/** Where the agent says it runs, stored when it changed (a chart upgrade moved it). */
async function keepPlacement(
  agent: ConnectedAgent,
  said: Parameters<typeof boundedPlacement>[0],
  store: HubStore,
): Promise<void> {
  if (said === undefined) return;
  const placement = boundedPlacement(said);
  if (samePlacement(placement, agent.placement)) return;
  agent.placement = placement;
  await store.agents.setPlacement(agent.record.id, placement);
}

/**
 * Opens the agent's heartbeat stream for the life of its tunnel, keeping what the agent last
 * reported (version, cluster health) and when.
 */
export function watchHeartbeats(
  agent: ConnectedAgent,
  intervalMs: number,
  deps: AgentLabelDeps,
): void {
  const { clock, logger } = deps;
  const call = agent.tunnel.grpc.call(AgentServiceService.watchHeartbeats);
  agent.heartbeats = call;
  const watch = async () => {
    await call.write({ intervalMs });
    call.end();
    for await (const { heartbeat } of call) {
      agent.lastHeartbeatAt = clock.now();
      if (heartbeat) {
        agent.agentVersion = boundedVersion(heartbeat.agentVersion) || agent.agentVersion;
        agent.health = boundedHealth(heartbeat.health);
        await keepPlacement(agent, heartbeat.placement, deps.store);
        await followAgentLabels(agent, heartbeat.labels, heartbeat.detectedLabels, deps);
      }
    }
  };
  watch().catch((error: unknown) => {
    if (!agent.tunnel.closed) {
      logger.warn(
        { agentId: agent.record.id, ...errorFields(error) },
        "the agent's heartbeat stream ended",
      );
    }
  });
}
