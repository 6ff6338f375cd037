import type { AuditEventRecord, AuditKind, AuditStage } from "./records.js";

// Audit events as both stores keep them.

export interface AuditRow {
  kind: string;
  stage: string;
  time: number;
  request_id: string;
  user: string;
  source: string;
  cluster: string;
  kubernetes_user: string;
  kubernetes_groups: string;
  verb: string;
  method: string;
  path: string;
  resource: string;
  namespace: string;
  name: string;
  status: number;
  duration_ms: number;
  reason: string;
}

export const toAuditRow = (event: AuditEventRecord): AuditRow => ({
  kind: event.kind,
  stage: event.stage,
  time: event.time.getTime(),
  request_id: event.requestId,
  user: event.user,
  source: event.source,
  cluster: event.cluster,
  kubernetes_user: event.kubernetesUser,
  kubernetes_groups: JSON.stringify(event.kubernetesGroups),
  verb: event.verb,
  method: event.method,
  path: event.path,
  resource: event.resource,
  namespace: event.namespace,
  name: event.name,
  status: event.status,
  duration_ms: event.durationMs,
  reason: event.reason,
});

export const fromAuditRow = (row: AuditRow): AuditEventRecord => ({
  kind: row.kind as AuditKind,
  stage: row.stage as AuditStage,
  time: new Date(row.time),
  requestId: row.request_id,
  user: row.user,
  source: row.source,
  cluster: row.cluster,
  kubernetesUser: row.kubernetes_user,
  kubernetesGroups: JSON.parse(row.kubernetes_groups) as string[],
  verb: row.verb,
  method: row.method,
  path: row.path,
  resource: row.resource,
  namespace: row.namespace,
  name: row.name,
  status: row.status,
  durationMs: row.duration_ms,
  reason: row.reason,
});
