import type { Database } from "better-sqlite3";

import { StoreError, StoreErrorCode } from "./errors.js";

/**
 * Schema changes in order; PRAGMA user_version records how many have run. Append, never edit:
 * a released migration has already run somewhere. Times are Unix milliseconds.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE certificate_authority (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     certificate_pem TEXT NOT NULL,
     private_key_pem TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE join_tokens (
     id TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     secret_hash TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     uses_total INTEGER NOT NULL,
     uses_remaining INTEGER NOT NULL CHECK (uses_remaining >= 0),
     labels TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE agents (
     id TEXT PRIMARY KEY,
     cluster_name TEXT NOT NULL,
     labels TEXT NOT NULL,
     token_id TEXT NOT NULL,
     agent_version TEXT NOT NULL,
     certificate_serial TEXT NOT NULL,
     previous_certificate_serial TEXT,
     certificate_expires_at INTEGER NOT NULL,
     joined_at INTEGER NOT NULL,
     renewed_at INTEGER,
     revoked_at INTEGER
   );
   CREATE INDEX agents_by_cluster ON agents (cluster_name);`,
  // Tunnels authenticate agents by the key in their certificate; the hub's SSH host key persists.
  `ALTER TABLE agents ADD COLUMN certificate_pem TEXT NOT NULL DEFAULT '';
   ALTER TABLE agents ADD COLUMN previous_certificate_pem TEXT;
   CREATE TABLE hub_keys (
     name TEXT PRIMARY KEY,
     private_key_pem TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );`,
  // Users and roles for the kube endpoint, and its audit log.
  `CREATE TABLE users (
     name TEXT PRIMARY KEY,
     roles TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE roles (
     name TEXT PRIMARY KEY,
     document TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE audit_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     time INTEGER NOT NULL,
     request_id TEXT NOT NULL,
     user TEXT NOT NULL,
     cluster TEXT NOT NULL,
     kubernetes_user TEXT NOT NULL,
     kubernetes_groups TEXT NOT NULL,
     verb TEXT NOT NULL,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     resource TEXT NOT NULL,
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     status INTEGER NOT NULL,
     duration_ms REAL NOT NULL,
     reason TEXT NOT NULL
   );
   CREATE INDEX audit_events_by_time ON audit_events (time);`,
];

export function migrate(db: Database, location: string): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StoreError(
      StoreErrorCode.NewerSchema,
      `${location} has schema version ${current}, newer than this warren-hub understands ` +
        `(${MIGRATIONS.length}): run the newer warren-hub, or restore a backup`,
    );
  }
  db.transaction(() => {
    MIGRATIONS.slice(current).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
}
