import type { Database } from "better-sqlite3";

import { StoreError, StoreErrorCode } from "./errors.js";
import { MIGRATIONS } from "./migrations.js";

/** Brings the schema to `target` (every migration by default; fewer only in tests). */
export function migrate(db: Database, location: string, target = MIGRATIONS.length): void {
  // PRAGMA user_version records how many migrations have run.
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) throw newerSchema(location, current);
  db.transaction(() => {
    MIGRATIONS.slice(current, target).forEach((migration) => db.exec(migration.sqlite));
    db.pragma(`user_version = ${Math.max(current, target)}`);
  })();
}

export function newerSchema(location: string, version: number): StoreError {
  return new StoreError(
    StoreErrorCode.NewerSchema,
    `${location} has schema version ${version}, newer than this warren-hub understands ` +
      `(${MIGRATIONS.length}): run the newer warren-hub, or restore a backup`,
  );
}
