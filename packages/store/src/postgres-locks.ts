import type { Queryable } from "./postgres-database.js";

/**
 * Transaction-scoped advisory locks: (WARREN, purpose). The first key keeps Warren's locks apart
 * from any other application's in a shared database.
 */
const WARREN = 0x57524e; // "WRN"

export const ADVISORY_LOCK = {
  /** Migrations: replicas starting together apply them once. */
  migrations: 1,
  /** Role assignment against role deletion. */
  roleAssignment: 2,
} as const;

export async function lockFor(client: Queryable, purpose: number): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1, $2)", [WARREN, purpose]);
}
