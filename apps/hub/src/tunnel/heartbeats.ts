import { errorFields, type Logger } from "@warren/log";
import { AgentServiceService } from "@warren/proto";

import type { Clock } from "../clock.js";
import type { ConnectedAgent } from "./agent-registry.js";

/**
 * Opens the agent's heartbeat stream for the life of its tunnel, keeping what the agent last
 * reported (version, cluster health) and when.
 */
export function watchHeartbeats(
  agent: ConnectedAgent,
  intervalMs: number,
  clock: Clock,
  logger: Logger,
): void {
  const call = agent.tunnel.grpc.call(AgentServiceService.watchHeartbeats);
  agent.heartbeats = call;
  const watch = async () => {
    await call.write({ intervalMs });
    call.end();
    for await (const { heartbeat } of call) {
      agent.lastHeartbeatAt = clock.now();
      if (heartbeat) {
        agent.agentVersion = heartbeat.agentVersion || agent.agentVersion;
        agent.health = heartbeat.health;
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
