import type { Database } from "better-sqlite3";

import type { ClusterRepository } from "./hub-store.js";
import type { ClusterRecord } from "./records.js";
import { clusterFromRow, type ClusterRow } from "./store-rows.js";

export class SqliteClusters implements ClusterRepository {
  constructor(private readonly db: Database) {}

  get(name: string): Promise<ClusterRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM clusters WHERE name = ?").get(name) as
      ClusterRow | undefined;
    return Promise.resolve(row && clusterFromRow(row));
  }

  list(): Promise<ClusterRecord[]> {
    const rows = this.db.prepare("SELECT * FROM clusters ORDER BY name").all() as ClusterRow[];
    return Promise.resolve(rows.map(clusterFromRow));
  }

  async setLabels(
    name: string,
    labels: Record<string, string>,
    at: Date,
  ): Promise<ClusterRecord | undefined> {
    const changed = this.db
      .prepare("UPDATE clusters SET labels = ?, updated_at = ? WHERE name = ?")
      .run(JSON.stringify(labels), at.getTime(), name).changes;
    return changed > 0 ? this.get(name) : undefined;
  }

  delete(name: string, at: Date): Promise<string[] | undefined> {
    const remove = this.db.prepare("DELETE FROM clusters WHERE name = ?");
    const current = this.db.prepare(
      "SELECT id FROM agents WHERE cluster_name = ? AND revoked_at IS NULL",
    );
    const revoke = this.db.prepare(
      "UPDATE agents SET revoked_at = ? WHERE cluster_name = ? AND revoked_at IS NULL",
    );
    const outcome = this.db.transaction((): string[] | undefined => {
      if (remove.run(name).changes === 0) return undefined;
      const ids = (current.all(name) as { id: string }[]).map((row) => row.id);
      revoke.run(at.getTime(), name);
      return ids;
    })();
    return Promise.resolve(outcome);
  }
}
