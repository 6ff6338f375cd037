import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

import Database from "better-sqlite3";

import { StoreError, StoreErrorCode } from "./errors.js";
import type { HubStore } from "./hub-store.js";
import { SqliteRoles, SqliteUsers } from "./sqlite-access-repositories.js";
import { SqliteAudit } from "./sqlite-audit.js";
import { SqliteRecordings } from "./sqlite-recordings.js";
import { localChangeFeed } from "./local-change-feed.js";
import { SqliteClusters } from "./sqlite-clusters.js";
import { SqliteDocuments } from "./sqlite-documents.js";
import { migrate } from "./sqlite-migrations.js";
import { SqliteReplicas } from "./sqlite-replicas.js";
import {
  SqliteAgents,
  SqliteCertificateAuthority,
  SqliteHubKeys,
  SqliteJoinTokens,
} from "./sqlite-repositories.js";

export interface OpenSqliteStoreOptions {
  /** The database file; created (readable by its owner only) when missing. */
  path: string;
  /** How long to wait for another process's write lock, in milliseconds. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * Compiles each distinct query once. Repositories call db.prepare(sql) where they query, which
 * reads well but would recompile on every call of the kube endpoint's hot path. Safe because
 * no statement is iterated or switched to pluck/raw mode, the states a shared one could leak.
 */
function cachePreparedStatements(db: Database.Database): void {
  const compiled = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    let statement = compiled.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      compiled.set(sql, statement);
    }
    return statement;
  }) as typeof db.prepare;
}

/** Opens (creating and migrating as needed) the hub's SQLite database. */
export function openSqliteStore(options: OpenSqliteStoreOptions): HubStore {
  let db: Database.Database;
  try {
    mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
    // Create it 0600 before SQLite does: it holds the CA's private key.
    closeSync(openSync(options.path, "a", 0o600));
    db = new Database(options.path);
    db.pragma("journal_mode = WAL");
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma("foreign_keys = ON");
  } catch (cause) {
    throw new StoreError(
      StoreErrorCode.Unavailable,
      `cannot open the hub database ${options.path}: ${(cause as Error).message}`,
      { cause },
    );
  }
  try {
    migrate(db, options.path);
  } catch (error) {
    db.close();
    throw error;
  }
  cachePreparedStatements(db);
  return {
    certificateAuthority: new SqliteCertificateAuthority(db),
    tokens: new SqliteJoinTokens(db),
    agents: new SqliteAgents(db),
    clusters: new SqliteClusters(db),
    keys: new SqliteHubKeys(db),
    users: new SqliteUsers(db),
    roles: new SqliteRoles(db),
    documents: new SqliteDocuments(db),
    audit: new SqliteAudit(db),
    recordings: new SqliteRecordings(db),
    replicas: new SqliteReplicas(db),
    changes: localChangeFeed,
    shared: false,
    location: options.path,
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
