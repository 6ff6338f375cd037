import { requestAttributes } from "@warren/kube";
import type { Logger } from "@warren/log";
import type { AuditEventRecord, AuditStage } from "@warren/store";

import { auditEvent } from "../audit/audit-event.js";
import type { AuditWriter } from "../audit/audit-writer.js";
import type { HubMetrics } from "../metrics/hub-metrics.js";
import { KubeRefusal } from "./kube-refusal.js";

export interface KubeAuditDeps {
  audit: AuditWriter;
  metrics?: HubMetrics;
  logger: Logger;
}

/** Names and paths are the client's: kept to this length in rows, logs and metrics. */
const MAX_PATH = 1024;
const MAX_CLUSTER = 63;
/** The metric label of every request for a cluster that does not exist: one value, not many. */
export const UNKNOWN_CLUSTER_LABEL = "_unknown";

/** What is known of an authenticated request so far; its events record however far it got. */
export interface KubeRequestRecord {
  requestId: string;
  startedAt: Date;
  /** performance.now() at arrival. */
  startedMs: number;
  method: string;
  source: string;
  user: string;
  /** The cluster named in the path, and whether it exists. */
  cluster: string;
  clusterKnown: boolean;
  /** Path and query at the API server. */
  path: string;
  kubernetesUser: string;
  kubernetesGroups: string[];
}

export interface KubeOutcome {
  status: number;
  /** Why the hub refused, if it did. */
  reason: string;
}

function eventOf(record: KubeRequestRecord, stage: AuditStage, outcome: KubeOutcome) {
  const path = record.path || "/";
  return auditEvent({
    kind: "kube",
    stage,
    time: record.startedAt,
    requestId: record.requestId,
    user: record.user,
    source: record.source,
    cluster: record.cluster.slice(0, MAX_CLUSTER),
    kubernetesUser: record.kubernetesUser,
    kubernetesGroups: record.kubernetesGroups,
    ...requestAttributes(record.method, path),
    method: record.method,
    path: (path.split("?")[0] ?? "").slice(0, MAX_PATH),
    ...outcome,
    durationMs:
      stage === "ResponseStarted"
        ? 0
        : Math.round((performance.now() - record.startedMs) * 1000) / 1000,
  });
}

function logged(deps: KubeAuditDeps, event: AuditEventRecord): void {
  const started = event.stage === "ResponseStarted";
  deps.logger.info(
    { ...event, time: event.time.toISOString() },
    started ? "kube session started" : "kube request",
  );
}

/**
 * A long-running request was admitted: its event is on disk before the session runs, so a
 * crash loses at most its end. A store that cannot take it refuses the request.
 */
export async function recordKubeStart(
  deps: KubeAuditDeps,
  record: KubeRequestRecord,
): Promise<void> {
  const event = eventOf(record, "ResponseStarted", { status: 0, reason: "" });
  logged(deps, event);
  try {
    await deps.audit.addNow(event);
  } catch {
    throw new KubeRefusal(
      503,
      "the hub cannot write its audit log, so it admits no session now; see the hub's log",
      5,
    );
  }
}

/** A request ended (or was refused): in the log at once, in the store with the next batch. */
export function recordKubeRequest(
  deps: KubeAuditDeps,
  record: KubeRequestRecord,
  outcome: KubeOutcome,
): void {
  const event = eventOf(record, "ResponseComplete", outcome);
  logged(deps, event);
  deps.audit.add(event);
  const cluster = record.clusterKnown ? record.cluster : UNKNOWN_CLUSTER_LABEL;
  deps.metrics?.kubeRequests.inc({ cluster, code: String(outcome.status) });
  deps.metrics?.kubeDuration.observe({ cluster }, event.durationMs / 1000);
}
