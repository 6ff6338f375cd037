import type { HubReplicaRepository } from "./hub-store.js";
import type { PostgresDatabase } from "./postgres-database.js";
import type { HubReplicaRecord } from "./records.js";
import { replicaFromRow, type ReplicaRow } from "./replica-rows.js";

export class PostgresReplicas implements HubReplicaRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async heartbeat(replica: HubReplicaRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_replicas (id, tunnel_addr, started_at, seen_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET tunnel_addr = excluded.tunnel_addr,
         seen_at = excluded.seen_at`,
      [replica.id, replica.tunnelAddr, replica.startedAt.getTime(), replica.seenAt.getTime()],
    );
  }

  async live(since: Date): Promise<HubReplicaRecord[]> {
    const { rows } = await this.db.query<ReplicaRow>(
      "SELECT * FROM hub_replicas WHERE seen_at >= $1 ORDER BY started_at, id",
      [since.getTime()],
    );
    return rows.map(replicaFromRow);
  }

  async remove(id: string): Promise<void> {
    await this.db.query("DELETE FROM hub_replicas WHERE id = $1", [id]);
  }

  async deleteSeenBefore(cutoff: Date): Promise<number> {
    const result = await this.db.query("DELETE FROM hub_replicas WHERE seen_at < $1", [
      cutoff.getTime(),
    ]);
    return result.rowCount ?? 0;
  }
}
