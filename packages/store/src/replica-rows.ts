import type { HubReplicaRecord } from "./records.js";

export interface ReplicaRow {
  id: string;
  tunnel_addr: string;
  started_at: number;
  seen_at: number;
}

export const replicaFromRow = (row: ReplicaRow): HubReplicaRecord => ({
  id: row.id,
  tunnelAddr: row.tunnel_addr,
  startedAt: new Date(row.started_at),
  seenAt: new Date(row.seen_at),
});
