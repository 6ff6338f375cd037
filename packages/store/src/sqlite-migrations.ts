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
  // Clusters belong to the admin: their own table, labels included, taken from the first
  // agent that joined each (a later one may have chosen its own). Tokens name the cluster or
  // admin they are for; users get a uid and a lock; audit events a kind and a stage.
  `CREATE TABLE clusters (
     name TEXT PRIMARY KEY,
     labels TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   INSERT INTO clusters (name, labels, created_at, updated_at)
     SELECT cluster_name, labels, joined_at, joined_at FROM agents AS a
     WHERE revoked_at IS NULL AND NOT EXISTS (
       SELECT 1 FROM agents AS b
       WHERE b.cluster_name = a.cluster_name AND b.revoked_at IS NULL
         AND (b.joined_at < a.joined_at OR (b.joined_at = a.joined_at AND b.id < a.id)));
   ALTER TABLE agents DROP COLUMN labels;
   ALTER TABLE join_tokens ADD COLUMN cluster_name TEXT;
   ALTER TABLE join_tokens ADD COLUMN agent_label_keys TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE join_tokens ADD COLUMN admin_name TEXT;
   ALTER TABLE users ADD COLUMN uid TEXT NOT NULL DEFAULT '';
   ALTER TABLE users ADD COLUMN lock TEXT;
   ALTER TABLE audit_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'kube';
   ALTER TABLE audit_events ADD COLUMN stage TEXT NOT NULL DEFAULT 'ResponseComplete';
   ALTER TABLE audit_events ADD COLUMN source TEXT NOT NULL DEFAULT '';`,
];

/** Brings the schema to `target` (every migration by default; fewer only in tests). */
export function migrate(db: Database, location: string, target = MIGRATIONS.length): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StoreError(
      StoreErrorCode.NewerSchema,
      `${location} has schema version ${current}, newer than this warren-hub understands ` +
        `(${MIGRATIONS.length}): run the newer warren-hub, or restore a backup`,
    );
  }
  db.transaction(() => {
    MIGRATIONS.slice(current, target).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${Math.max(current, target)}`);
  })();
}
