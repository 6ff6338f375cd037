import type { Database } from "better-sqlite3";

import type { AuditQuery, AuditRepository } from "./hub-store.js";
import type { AuditEventRecord, AuditKind, AuditStage } from "./records.js";

interface AuditRow {
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

const toAuditRow = (event: AuditEventRecord): AuditRow => ({
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

const fromAuditRow = (row: AuditRow): AuditEventRecord => ({
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

export class SqliteAudit implements AuditRepository {
  // Prepared once and run in one transaction per batch: one commit (one fsync) per batch.
  private readonly insertAll: (events: readonly AuditEventRecord[]) => void;

  constructor(private readonly db: Database) {
    const insert = db.prepare<AuditRow>(
      `INSERT INTO audit_events (kind, stage, time, request_id, user, source, cluster,
         kubernetes_user, kubernetes_groups, verb, method, path, resource, namespace, name,
         status, duration_ms, reason)
       VALUES (@kind, @stage, @time, @request_id, @user, @source, @cluster, @kubernetes_user,
         @kubernetes_groups, @verb, @method, @path, @resource, @namespace, @name, @status,
         @duration_ms, @reason)`,
    );
    this.insertAll = db.transaction((events: readonly AuditEventRecord[]) => {
      for (const event of events) insert.run(toAuditRow(event));
    });
  }

  append(events: readonly AuditEventRecord[]): Promise<void> {
    if (events.length > 0) this.insertAll(events);
    return Promise.resolve();
  }

  list(query: AuditQuery): Promise<AuditEventRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_events
         WHERE (@kind IS NULL OR kind = @kind) AND (@user IS NULL OR user = @user)
           AND (@cluster IS NULL OR cluster = @cluster) AND time >= @since
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        kind: query.kind ?? null,
        user: query.user ?? null,
        cluster: query.cluster ?? null,
        since: query.since?.getTime() ?? 0,
        limit: query.limit,
      }) as AuditRow[];
    return Promise.resolve(rows.map(fromAuditRow));
  }

  deleteBefore(cutoff: Date): Promise<number> {
    const result = this.db.prepare("DELETE FROM audit_events WHERE time < ?").run(cutoff.getTime());
    return Promise.resolve(result.changes);
  }
}
