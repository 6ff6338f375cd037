import type { Logger } from "@warren/log";
import type { HubReplicaRecord, HubStore } from "@warren/store";

import type { HubAuthorities } from "./ca/hub-authorities.js";
import { sweepRotation } from "./ca/rotation-sweep.js";
import type { Clock } from "./clock.js";
import type { HubConfig } from "./config/hub-config.js";
import type { SessionBook } from "./kube/kube-sessions.js";
import { endOrphanedRecordings } from "./recording/orphaned-recordings.js";
import type { AgentRegistry } from "./tunnel/agent-registry.js";
import { every, sweepConnectedAgents } from "./tunnel/agent-sweep.js";

/** Expired tokens stay this long so a late join hears "expired" rather than "unknown". */
const EXPIRED_TOKEN_RETENTION_MS = 24 * 3_600_000;
const TOKEN_SWEEP_INTERVAL_MS = 3_600_000;
const AGENT_SWEEP_INTERVAL_MS = 60_000;
/** Besides each change of the live replicas: catches a recording a change's sweep spared. */
const ORPHANED_RECORDINGS_INTERVAL_MS = 60_000;
const AUDIT_PRUNE_INTERVAL_MS = 3_600_000;
/**
 * Every change an admin makes through this hub re-checks open sessions at once; this catches
 * what changes by itself (a lock that was set elsewhere) or was missed.
 */
const SESSION_RECHECK_INTERVAL_MS = 30_000;
/** An automatic CA rotation's steps are a third of its grace apart, at least 20 s. */
const ROTATION_SWEEP_INTERVAL_MS = 5_000;

/** What the periodic sweeps touch. */
export interface SweepParts {
  config: HubConfig;
  logger: Logger;
  clock: Clock;
  store: HubStore;
  registry: AgentRegistry;
  sessions: SessionBook;
  authorities: HubAuthorities;
  /** The live replicas, once this one joined their directory. */
  directory?: { readonly live: readonly HubReplicaRecord[] };
}

/** Removes audit events older than audit_retention; logs how many when there were any. */
export async function pruneAudit(parts: SweepParts): Promise<void> {
  const { store, clock, config, logger } = parts;
  const cutoff = new Date(clock.now().getTime() - config.auditRetentionMs);
  const pruned = await store.audit.deleteBefore(cutoff);
  if (pruned > 0) logger.info({ pruned, before: cutoff.toISOString() }, "pruned audit events");
}

/** Removes session recordings older than session_recording_retention. */
export async function pruneRecordings(parts: SweepParts): Promise<void> {
  const { store, clock, config, logger } = parts;
  const cutoff = new Date(clock.now().getTime() - config.sessionRecordingRetentionMs);
  const pruned = await store.recordings.deleteBefore(cutoff);
  if (pruned > 0)
    logger.info({ pruned, before: cutoff.toISOString() }, "pruned session recordings");
}

export function startSweeps(parts: SweepParts): () => void {
  const { store, registry, clock, logger, sessions } = parts;
  const stops = [
    every(
      AUDIT_PRUNE_INTERVAL_MS,
      () => pruneAudit(parts),
      logger,
      "prune audit events past audit_retention",
    ),
    every(
      AUDIT_PRUNE_INTERVAL_MS,
      () => pruneRecordings(parts),
      logger,
      "prune session recordings past session_recording_retention",
    ),
    every(SESSION_RECHECK_INTERVAL_MS, () => sessions.recheck({}), logger, "check open sessions"),
    every(
      TOKEN_SWEEP_INTERVAL_MS,
      () =>
        store.tokens.deleteExpiredBefore(
          new Date(clock.now().getTime() - EXPIRED_TOKEN_RETENTION_MS),
        ),
      logger,
      "delete expired join tokens",
    ),
    every(
      TOKEN_SWEEP_INTERVAL_MS,
      () => store.documents.deleteExpiredBefore(clock.now()),
      logger,
      "delete expired login sessions, requests and invites",
    ),
    every(
      ROTATION_SWEEP_INTERVAL_MS,
      () => sweepRotation(parts, clock.now()),
      logger,
      "take an automatic CA rotation's next step",
    ),
    every(
      ORPHANED_RECORDINGS_INTERVAL_MS,
      () => endOrphanedRecordings(parts, parts.directory?.live ?? []),
      logger,
      "end the recordings of stopped replicas",
    ),
    every(
      AGENT_SWEEP_INTERVAL_MS,
      () => sweepConnectedAgents(registry, store, clock),
      logger,
      "check connected agents",
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
