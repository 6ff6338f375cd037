import { requestAttributes } from "@warren/kube";
import type { Logger } from "@warren/log";

import type { Clock } from "../clock.js";
import type { KubeRequestContext } from "./kube-admission.js";
import type { AuditWriter } from "./audit-writer.js";
import type { HubMetrics } from "../metrics/hub-metrics.js";

export interface KubeAuditDeps {
  audit: AuditWriter;
  metrics?: HubMetrics;
  clock: Clock;
  logger: Logger;
}

export interface KubeAuditOutcome {
  requestId: string;
  method: string;
  status: number;
  startedAt: Date;
  durationMs: number;
  /** Why the hub refused, if it did. */
  reason: string;
}

/** One event per request, in the log at once and in the store with the next batch. */
export function recordKubeRequest(
  deps: KubeAuditDeps,
  context: KubeRequestContext,
  outcome: KubeAuditOutcome,
): void {
  const attributes = requestAttributes(outcome.method, context.path || "/");
  const event = {
    time: outcome.startedAt,
    requestId: outcome.requestId,
    user: context.user,
    cluster: context.cluster,
    kubernetesUser: context.kubernetesUser,
    kubernetesGroups: context.kubernetesGroups,
    ...attributes,
    method: outcome.method,
    path: context.path.split("?")[0] ?? "",
    status: outcome.status,
    durationMs: Math.round(outcome.durationMs * 1000) / 1000,
    reason: outcome.reason,
  };
  deps.logger.info({ ...event, time: event.time.toISOString() }, "kube request");
  deps.audit.add(event);
  deps.metrics?.kubeRequests.inc({ cluster: context.cluster, code: String(outcome.status) });
  deps.metrics?.kubeDuration.observe({ cluster: context.cluster }, outcome.durationMs / 1000);
}
