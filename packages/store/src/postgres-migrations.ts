import { MIGRATIONS } from "./migrations.js";
import type { PostgresDatabase } from "./postgres-database.js";
import { ADVISORY_LOCK, lockFor } from "./postgres-locks.js";
import { newerSchema } from "./sqlite-migrations.js";

/**
 * Brings the schema up to date in one transaction under an advisory lock: replicas starting
 * together wait for the first, then find nothing left to do. DDL is transactional here, so a
 * failed migration leaves the schema as it was.
 */
export async function migratePostgres(db: PostgresDatabase, target = MIGRATIONS.length) {
  await db.transaction(async (client) => {
    await lockFor(client, ADVISORY_LOCK.migrations);
    await client.query(
      `CREATE TABLE IF NOT EXISTS warren_schema (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         version INTEGER NOT NULL
       )`,
    );
    const { rows } = await client.query<{ version: number }>(
      "SELECT version FROM warren_schema WHERE id = 1",
    );
    const current = rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length) throw newerSchema(db.options.location, current);
    for (const migration of MIGRATIONS.slice(current, target))
      await client.query(migration.postgres);
    await client.query(
      `INSERT INTO warren_schema (id, version) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
      [Math.max(current, target)],
    );
  });
}
