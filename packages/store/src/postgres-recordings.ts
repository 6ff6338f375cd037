import type { RecordingChunk, RecordingQuery, RecordingRepository } from "./hub-store.js";
import type { PostgresDatabase } from "./postgres-database.js";
import {
  fromRecordingRow,
  ORPHANED_REASON_SQL,
  RECORDING_COLUMNS,
  toRecordingRow,
  type RecordingRow,
} from "./recording-rows.js";
import type { OrphanSweep, RecordingEnd, SessionRecordingRecord } from "./records.js";

export class PostgresRecordings implements RecordingRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async start(recording: SessionRecordingRecord): Promise<void> {
    const row = toRecordingRow(recording);
    const names = RECORDING_COLUMNS.map((c) => `"${c}"`).join(", ");
    const places = RECORDING_COLUMNS.map((_, i) => `$${i + 1}`).join(", ");
    await this.db.query(
      `INSERT INTO session_recordings (${names}) VALUES (${places})`,
      RECORDING_COLUMNS.map((column) => row[column]),
    );
  }

  async append(id: string, seq: number, data: Buffer): Promise<void> {
    await this.db.query(
      "INSERT INTO session_recording_chunks (recording_id, seq, data) VALUES ($1, $2, $3)",
      [id, seq, data],
    );
  }

  async finish(id: string, end: RecordingEnd): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE session_recordings SET ended_at = $1, exit_code = $2, end_reason = $3, bytes = $4
       WHERE id = $5`,
      [end.endedAt.getTime(), end.exitCode ?? null, end.endReason, end.bytes, id],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async endOrphaned(sweep: OrphanSweep): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE session_recordings SET ended_at = $1, end_reason = ${ORPHANED_REASON_SQL},
         bytes = (SELECT COALESCE(SUM(octet_length(data)), 0) FROM session_recording_chunks
                  WHERE recording_id = session_recordings.id)
       WHERE ended_at IS NULL AND replica_id <> '' AND started_at < $2
         AND NOT (replica_id = ANY($3::text[]))
       RETURNING id`,
      [sweep.endedAt.getTime(), sweep.startedBefore.getTime(), [...sweep.liveReplicaIds]],
    );
    return rows.map((row) => row.id);
  }

  async get(id: string): Promise<SessionRecordingRecord | undefined> {
    const { rows } = await this.db.query<RecordingRow>(
      "SELECT * FROM session_recordings WHERE id = $1",
      [id],
    );
    return rows[0] ? fromRecordingRow(rows[0]) : undefined;
  }

  async list(query: RecordingQuery): Promise<SessionRecordingRecord[]> {
    const { rows } = await this.db.query<RecordingRow>(
      `SELECT * FROM session_recordings
       WHERE ($1::text IS NULL OR "user" = $1) AND ($2::text IS NULL OR cluster = $2)
         AND started_at >= $3
       ORDER BY started_at DESC, id DESC LIMIT $4`,
      [query.user ?? null, query.cluster ?? null, query.since?.getTime() ?? 0, query.limit],
    );
    return rows.map(fromRecordingRow);
  }

  async chunks(id: string, fromSeq = 0, limit?: number): Promise<RecordingChunk[]> {
    const { rows } = await this.db.query<RecordingChunk>(
      `SELECT seq, data FROM session_recording_chunks
       WHERE recording_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
      [id, fromSeq, limit ?? null],
    );
    return rows;
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    return this.db.transaction(async (client) => {
      await client.query(
        `DELETE FROM session_recording_chunks WHERE recording_id IN
           (SELECT id FROM session_recordings WHERE started_at < $1)`,
        [cutoff.getTime()],
      );
      const result = await client.query("DELETE FROM session_recordings WHERE started_at < $1", [
        cutoff.getTime(),
      ]);
      return result.rowCount ?? 0;
    });
  }
}
