import type { Database } from "better-sqlite3";

import type { RecordingChunk, RecordingQuery, RecordingRepository } from "./hub-store.js";
import {
  fromRecordingRow,
  ORPHANED_REASON_SQL,
  RECORDING_COLUMNS,
  toRecordingRow,
  type RecordingRow,
} from "./recording-rows.js";
import type { OrphanSweep, RecordingEnd, SessionRecordingRecord } from "./records.js";

/** No limit: SQLite wants a number. */
const MAX_CHUNKS = 2 ** 31 - 1;

export class SqliteRecordings implements RecordingRepository {
  constructor(private readonly db: Database) {}

  start(recording: SessionRecordingRecord): Promise<void> {
    const names = RECORDING_COLUMNS.map((c) => `"${c}"`).join(", ");
    const values = RECORDING_COLUMNS.map((c) => `@${c}`).join(", ");
    this.db
      .prepare(`INSERT INTO session_recordings (${names}) VALUES (${values})`)
      .run(toRecordingRow(recording));
    return Promise.resolve();
  }

  append(id: string, seq: number, data: Buffer): Promise<void> {
    this.db
      .prepare("INSERT INTO session_recording_chunks (recording_id, seq, data) VALUES (?, ?, ?)")
      .run(id, seq, data);
    return Promise.resolve();
  }

  finish(id: string, end: RecordingEnd): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE session_recordings SET ended_at = ?, exit_code = ?, end_reason = ?, bytes = ?
         WHERE id = ?`,
      )
      .run(end.endedAt.getTime(), end.exitCode ?? null, end.endReason, end.bytes, id);
    return Promise.resolve(result.changes > 0);
  }

  get(id: string): Promise<SessionRecordingRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM session_recordings WHERE id = ?").get(id) as
      RecordingRow | undefined;
    return Promise.resolve(row ? fromRecordingRow(row) : undefined);
  }

  list(query: RecordingQuery): Promise<SessionRecordingRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM session_recordings
         WHERE (@user IS NULL OR user = @user) AND (@cluster IS NULL OR cluster = @cluster)
           AND started_at >= @since
         ORDER BY started_at DESC, id DESC LIMIT @limit`,
      )
      .all({
        user: query.user ?? null,
        cluster: query.cluster ?? null,
        since: query.since?.getTime() ?? 0,
        limit: query.limit,
      }) as RecordingRow[];
    return Promise.resolve(rows.map(fromRecordingRow));
  }

  chunks(id: string, fromSeq = 0, limit = MAX_CHUNKS): Promise<RecordingChunk[]> {
    const rows = this.db
      .prepare(
        `SELECT seq, data FROM session_recording_chunks
         WHERE recording_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
      )
      .all(id, fromSeq, limit) as RecordingChunk[];
    return Promise.resolve(rows);
  }

  endOrphaned(sweep: OrphanSweep): Promise<string[]> {
    const rows = this.db
      .prepare(
        `UPDATE session_recordings SET ended_at = @endedAt, end_reason = ${ORPHANED_REASON_SQL},
           bytes = (SELECT COALESCE(SUM(length(data)), 0) FROM session_recording_chunks
                    WHERE recording_id = session_recordings.id)
         WHERE ended_at IS NULL AND replica_id <> '' AND started_at < @startedBefore
           AND replica_id NOT IN (SELECT value FROM json_each(@live))
         RETURNING id`,
      )
      .all({
        endedAt: sweep.endedAt.getTime(),
        startedBefore: sweep.startedBefore.getTime(),
        live: JSON.stringify(sweep.liveReplicaIds),
      }) as { id: string }[];
    return Promise.resolve(rows.map((row) => row.id));
  }

  deleteBefore(cutoff: Date): Promise<number> {
    const remove = this.db.transaction((before: number) => {
      this.db
        .prepare(
          `DELETE FROM session_recording_chunks WHERE recording_id IN
             (SELECT id FROM session_recordings WHERE started_at < ?)`,
        )
        .run(before);
      return this.db.prepare("DELETE FROM session_recordings WHERE started_at < ?").run(before)
        .changes;
    });
    return Promise.resolve(remove(cutoff.getTime()));
  }
}
