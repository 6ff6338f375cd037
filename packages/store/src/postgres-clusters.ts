import type { ClusterRepository } from "./hub-store.js";
import type { PostgresDatabase } from "./postgres-database.js";
import type { ClusterRecord } from "./records.js";
import { clusterFromRow, type ClusterRow } from "./store-rows.js";

export class PostgresClusters implements ClusterRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async get(name: string): Promise<ClusterRecord | undefined> {
    const { rows } = await this.db.query<ClusterRow>("SELECT * FROM clusters WHERE name = $1", [
      name,
    ]);
    return rows[0] && clusterFromRow(rows[0]);
  }

  async list(): Promise<ClusterRecord[]> {
    const { rows } = await this.db.query<ClusterRow>("SELECT * FROM clusters ORDER BY name");
    return rows.map(clusterFromRow);
  }

  async setLabels(
    name: string,
    labels: Record<string, string>,
    at: Date,
  ): Promise<ClusterRecord | undefined> {
    const { rows } = await this.db.query<ClusterRow>(
      "UPDATE clusters SET labels = $1, updated_at = $2 WHERE name = $3 RETURNING *",
      [JSON.stringify(labels), at.getTime(), name],
    );
    return rows[0] && clusterFromRow(rows[0]);
  }

  delete(name: string, at: Date): Promise<string[] | undefined> {
    return this.db.transaction(async (client) => {
      // The row lock makes a join into this cluster on another replica wait, then fail.
      const removed = await client.query("DELETE FROM clusters WHERE name = $1", [name]);
      if ((removed.rowCount ?? 0) === 0) return undefined;
      const { rows } = await client.query<{ id: string }>(
        `UPDATE agents SET revoked_at = $1 WHERE cluster_name = $2 AND revoked_at IS NULL
         RETURNING id`,
        [at.getTime(), name],
      );
      return rows.map((row) => row.id).sort();
    });
  }
}
