import { errorFields, type Logger } from "@warren/log";
import type { HubReplicaRecord, HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import type { HubConfig } from "../config/hub-config.js";

export interface OrphanedRecordingsDeps {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  config: Pick<HubConfig, "replicaHeartbeatIntervalMs">;
}

/**
 * Ends the recordings that replicas no longer live were still writing: a replica killed
 * mid-session never ends its own, and they would show as running for ever. Run whenever the
 * live replicas change (one dropped out, or this one started) and every minute. On a store
 * several replicas share, a recording younger than a heartbeat is left alone: its replica may
 * have started after the live list was read. An empty list (none read yet) ends nothing. A
 * failure is logged; the next run tries again.
 */
export async function endOrphanedRecordings(
  deps: OrphanedRecordingsDeps,
  live: readonly HubReplicaRecord[],
): Promise<void> {
  if (live.length === 0) return;
  const now = deps.clock.now();
  const graceMs = deps.store.shared ? deps.config.replicaHeartbeatIntervalMs : 0;
  try {
    const ended = await deps.store.recordings.endOrphaned({
      liveReplicaIds: live.map((replica) => replica.id),
      startedBefore: new Date(now.getTime() - graceMs),
      endedAt: now,
    });
    if (ended.length > 0) {
      deps.logger.warn(
        { recordings: ended },
        "ended the recordings of a hub replica that stopped before its sessions did",
      );
    }
  } catch (error) {
    deps.logger.warn(errorFields(error), "could not end the recordings of stopped replicas");
  }
}
