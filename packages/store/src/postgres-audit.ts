import { fromAuditRow, toAuditRow, type AuditRow } from "./audit-rows.js";
import type { AuditQuery, AuditRepository } from "./hub-store.js";
import type { PostgresDatabase } from "./postgres-database.js";
import type { AuditEventRecord } from "./records.js";

const COLUMNS: readonly (keyof AuditRow)[] = [
  "kind",
  "stage",
  "time",
  "request_id",
  "user",
  "source",
  "cluster",
  "kubernetes_user",
  "kubernetes_groups",
  "verb",
  "method",
  "path",
  "resource",
  "namespace",
  "name",
  "status",
  "duration_ms",
  "reason",
];
const COLUMN_LIST = COLUMNS.map((column) => `"${column}"`).join(", ");

/** PostgreSQL takes at most 65,535 parameters per statement. */
const ROWS_PER_INSERT = 1000;

function insertOf(events: readonly AuditEventRecord[]): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = events.map((event) => {
    const row = toAuditRow(event);
    const first = values.length;
    for (const column of COLUMNS) values.push(row[column]);
    return `(${COLUMNS.map((_, i) => `$${first + i + 1}`).join(", ")})`;
  });
  return { sql: `INSERT INTO audit_events (${COLUMN_LIST}) VALUES ${tuples.join(", ")}`, values };
}

export class PostgresAudit implements AuditRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async append(events: readonly AuditEventRecord[]): Promise<void> {
    if (events.length === 0) return;
    // Multi-row INSERTs in one transaction: few round trips, one commit, all or none.
    await this.db.transaction(async (client) => {
      for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
        const { sql, values } = insertOf(events.slice(start, start + ROWS_PER_INSERT));
        await client.query(sql, values);
      }
    });
  }

  async list(query: AuditQuery): Promise<AuditEventRecord[]> {
    const { rows } = await this.db.query<AuditRow>(
      `SELECT * FROM audit_events
       WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR "user" = $2)
         AND ($3::text IS NULL OR cluster = $3) AND time >= $4
         AND ($6::text IS NULL OR verb = $6) AND ($7::bigint IS NULL OR time < $7)
       ORDER BY time DESC, id DESC LIMIT $5`,
      [
        query.kind ?? null,
        query.user ?? null,
        query.cluster ?? null,
        query.since?.getTime() ?? 0,
        query.limit,
        query.verb ?? null,
        query.until?.getTime() ?? null,
      ],
    );
    return rows.map(fromAuditRow);
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    const result = await this.db.query("DELETE FROM audit_events WHERE time < $1", [
      cutoff.getTime(),
    ]);
    return result.rowCount ?? 0;
  }
}
