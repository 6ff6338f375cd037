import type { Database } from "better-sqlite3";

import type { HubReplicaRepository } from "./hub-store.js";
import type { HubReplicaRecord } from "./records.js";
import { replicaFromRow, type ReplicaRow } from "./replica-rows.js";

export class SqliteReplicas implements HubReplicaRepository {
  constructor(private readonly db: Database) {}

  heartbeat(replica: HubReplicaRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO hub_replicas (id, tunnel_addr, started_at, seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET tunnel_addr = excluded.tunnel_addr,
           seen_at = excluded.seen_at`,
      )
      .run(replica.id, replica.tunnelAddr, replica.startedAt.getTime(), replica.seenAt.getTime());
    return Promise.resolve();
  }

  live(since: Date): Promise<HubReplicaRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM hub_replicas WHERE seen_at >= ? ORDER BY started_at, id")
      .all(since.getTime()) as ReplicaRow[];
    return Promise.resolve(rows.map(replicaFromRow));
  }

  remove(id: string): Promise<void> {
    this.db.prepare("DELETE FROM hub_replicas WHERE id = ?").run(id);
    return Promise.resolve();
  }

  deleteSeenBefore(cutoff: Date): Promise<number> {
    const result = this.db
      .prepare("DELETE FROM hub_replicas WHERE seen_at < ?")
      .run(cutoff.getTime());
    return Promise.resolve(result.changes);
  }
}
