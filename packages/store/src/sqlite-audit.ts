import type { Database } from "better-sqlite3";

import type { AuditQuery, AuditRepository } from "./hub-store.js";
import { fromAuditRow, toAuditRow, type AuditRow } from "./audit-rows.js";
import type { AuditEventRecord } from "./records.js";

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
           AND (@cluster IS NULL OR cluster = @cluster) AND (@verb IS NULL OR verb = @verb)
           AND time >= @since AND (@until IS NULL OR time < @until)
         ORDER BY time DESC, id DESC LIMIT @limit`,
      )
      .all({
        kind: query.kind ?? null,
        user: query.user ?? null,
        cluster: query.cluster ?? null,
        verb: query.verb ?? null,
        since: query.since?.getTime() ?? 0,
        until: query.until?.getTime() ?? null,
        limit: query.limit,
      }) as AuditRow[];
    return Promise.resolve(rows.map(fromAuditRow));
  }

  deleteBefore(cutoff: Date): Promise<number> {
    const result = this.db.prepare("DELETE FROM audit_events WHERE time < ?").run(cutoff.getTime());
    return Promise.resolve(result.changes);
  }
}
