import { join } from "node:path";

import type { HubStore } from "./hub-store.js";
import { openPostgresStore } from "./postgres-store.js";
import { openSqliteStore } from "./sqlite-store.js";

export interface OpenStoreOptions {
  /**
   * postgres://… (or postgresql://…) for a store several replicas share; otherwise the path
   * of an SQLite file. Unset: hub.db in `dataDir`.
   */
  url: string | undefined;
  dataDir: string;
  /** PostgreSQL only: a file holding the password. */
  passwordFile?: string;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the store `store_url` names. */
export async function openStore(options: OpenStoreOptions): Promise<HubStore> {
  const url = options.url ?? join(options.dataDir, "hub.db");
  if (isPostgresUrl(url)) {
    return openPostgresStore({
      url,
      ...(options.passwordFile === undefined ? {} : { passwordFile: options.passwordFile }),
    });
  }
  return openSqliteStore({ path: url.replace(/^sqlite:(\/\/)?/i, "") });
}
