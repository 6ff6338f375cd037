import { errorFields, type Logger } from "@warren/log";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import type { AgentRegistry } from "./agent-registry.js";

/**
 * Cuts tunnels whose agent is no longer entitled to one: revoked elsewhere (another hub
 * replica, or the database), or holding only an expired certificate because it stopped
 * renewing. Revocation through this hub cuts the tunnel at once; this catches the rest.
 */
export async function sweepConnectedAgents(
  registry: AgentRegistry,
  store: HubStore,
  clock: Clock,
): Promise<void> {
  const now = clock.now();
  for (const agent of registry.all()) {
    const record = await store.agents.get(agent.record.id);
    if (!record || record.revokedAt) registry.disconnect(agent.record.id, "the agent was revoked");
    else if (record.certificateExpiresAt <= now)
      registry.disconnect(agent.record.id, "the agent's certificate expired");
  }
}

/** Runs `task` every intervalMs until the returned stop function is called. */
export function every(
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
  what: string,
): () => void {
  const timer = setInterval(() => {
    task().catch((error: unknown) => {
      logger.warn(errorFields(error), `could not ${what}`);
    });
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
