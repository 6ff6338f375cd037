import type { SessionRecordingRecord } from "./records.js";

// Recordings as both stores keep them.

/** Why a recording whose replica stopped mid-session ended, naming that replica (SQL). */
export const ORPHANED_REASON_SQL =
  "'the hub replica recording it (' || replica_id || ') stopped before the session ended'";

export interface RecordingRow {
  id: string;
  user: string;
  cluster: string;
  kubernetes_user: string;
  namespace: string;
  pod: string;
  container: string;
  command: string;
  subresource: string;
  tty: number;
  protocol: string;
  started_at: number;
  ended_at: number | null;
  exit_code: number | null;
  end_reason: string;
  bytes: number;
  replica_id: string;
}

export const RECORDING_COLUMNS: readonly (keyof RecordingRow)[] = [
  "id",
  "user",
  "cluster",
  "kubernetes_user",
  "namespace",
  "pod",
  "container",
  "command",
  "subresource",
  "tty",
  "protocol",
  "started_at",
  "ended_at",
  "exit_code",
  "end_reason",
  "bytes",
  "replica_id",
];

export const toRecordingRow = (recording: SessionRecordingRecord): RecordingRow => ({
  id: recording.id,
  user: recording.user,
  cluster: recording.cluster,
  kubernetes_user: recording.kubernetesUser,
  namespace: recording.namespace,
  pod: recording.pod,
  container: recording.container,
  command: JSON.stringify(recording.command),
  subresource: recording.subresource,
  tty: recording.tty ? 1 : 0,
  protocol: recording.protocol,
  started_at: recording.startedAt.getTime(),
  ended_at: recording.endedAt?.getTime() ?? null,
  exit_code: recording.exitCode ?? null,
  end_reason: recording.endReason,
  bytes: recording.bytes,
  replica_id: recording.replicaId,
});

export function fromRecordingRow(row: RecordingRow): SessionRecordingRecord {
  const recording: SessionRecordingRecord = {
    id: row.id,
    user: row.user,
    cluster: row.cluster,
    kubernetesUser: row.kubernetes_user,
    namespace: row.namespace,
    pod: row.pod,
    container: row.container,
    command: JSON.parse(row.command) as string[],
    subresource: row.subresource === "attach" ? "attach" : "exec",
    tty: row.tty === 1,
    protocol: row.protocol,
    startedAt: new Date(row.started_at),
    endReason: row.end_reason,
    bytes: row.bytes,
    replicaId: row.replica_id,
  };
  if (row.ended_at !== null) recording.endedAt = new Date(row.ended_at);
  if (row.exit_code !== null) recording.exitCode = row.exit_code;
  return recording;
}
