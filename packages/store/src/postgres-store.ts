import { readFile } from "node:fs/promises";

import { StoreError, StoreErrorCode } from "./errors.js";
import type { HubStore } from "./hub-store.js";
import { PostgresRoles, PostgresUsers } from "./postgres-access-repositories.js";
import { PostgresAudit } from "./postgres-audit.js";
import { PostgresRecordings } from "./postgres-recordings.js";
import { PostgresChangeFeed } from "./postgres-change-feed.js";
import { PostgresClusters } from "./postgres-clusters.js";
import { PostgresDatabase } from "./postgres-database.js";
import { PostgresDocuments } from "./postgres-documents.js";
import { migratePostgres } from "./postgres-migrations.js";
import { PostgresReplicas } from "./postgres-replicas.js";
import {
  PostgresAgents,
  PostgresCertificateAuthority,
  PostgresHubKeys,
  PostgresJoinTokens,
} from "./postgres-repositories.js";

export interface OpenPostgresStoreOptions {
  /** postgres://user@host:port/db?… (host may be a socket directory: ?host=/run/postgresql). */
  url: string;
  /** A file holding the password, so it stays out of the URL, the config and the process list. */
  passwordFile?: string;
  /** Connections per replica. Default 10. */
  maxConnections?: number;
  /** How long to wait for a connection, in milliseconds. Default 5000. */
  connectTimeoutMs?: number;
}

/** The URL with any password masked, for logs and messages. */
export function redactStoreUrl(url: string): string {
  return url
    .replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, "$1:***@")
    .replace(/([?&]password=)[^&]*/i, "$1***");
}

async function readPassword(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  try {
    return (await readFile(file, "utf8")).replace(/\r?\n$/, "");
  } catch (cause) {
    throw new StoreError(
      StoreErrorCode.Unavailable,
      `cannot read the store password file ${file}: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** Connects to PostgreSQL, applies any pending migrations, and returns the shared store. */
export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<HubStore> {
  const location = redactStoreUrl(options.url);
  const password = await readPassword(options.passwordFile);
  const db = new PostgresDatabase({
    connectionString: options.url,
    ...(password === undefined ? {} : { password }),
    location,
    maxConnections: options.maxConnections ?? 10,
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
  });
  try {
    await migratePostgres(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const changes = new PostgresChangeFeed(db);
  return {
    certificateAuthority: new PostgresCertificateAuthority(db),
    tokens: new PostgresJoinTokens(db),
    agents: new PostgresAgents(db),
    clusters: new PostgresClusters(db),
    keys: new PostgresHubKeys(db),
    users: new PostgresUsers(db),
    roles: new PostgresRoles(db),
    documents: new PostgresDocuments(db),
    audit: new PostgresAudit(db),
    recordings: new PostgresRecordings(db),
    replicas: new PostgresReplicas(db),
    changes,
    shared: true,
    location,
    close: async () => {
      await changes.close();
      await db.close();
    },
  };
}
