import type { RoleRecord, UserLock, UserRecord } from "./records.js";

// Users and roles as both stores keep them.

export interface UserRow {
  name: string;
  uid: string;
  roles: string;
  lock: string | null;
  origin: string;
  traits: string;
  created_at: number;
  updated_at: number;
}

interface LockJson {
  reason: string;
  lockedBy: string;
  lockedAtMs: number;
  expiresAtMs: number | null;
}

function lockFromJson(text: string | null): UserLock | undefined {
  if (text === null) return undefined;
  const lock = JSON.parse(text) as LockJson;
  return {
    reason: lock.reason,
    lockedBy: lock.lockedBy,
    lockedAt: new Date(lock.lockedAtMs),
    expiresAt: lock.expiresAtMs === null ? undefined : new Date(lock.expiresAtMs),
  };
}

export function lockToJson(lock: UserLock | undefined): string | null {
  if (lock === undefined) return null;
  const json: LockJson = {
    reason: lock.reason,
    lockedBy: lock.lockedBy,
    lockedAtMs: lock.lockedAt.getTime(),
    expiresAtMs: lock.expiresAt?.getTime() ?? null,
  };
  return JSON.stringify(json);
}

export interface RoleRow {
  name: string;
  document: string;
  created_at: number;
  updated_at: number;
}

export const userFromRow = (row: UserRow): UserRecord => ({
  name: row.name,
  uid: row.uid,
  roles: JSON.parse(row.roles) as string[],
  lock: lockFromJson(row.lock),
  origin: row.origin,
  traits: JSON.parse(row.traits) as Record<string, string[]>,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

export const roleFromRow = (row: RoleRow): RoleRecord => ({
  name: row.name,
  document: row.document,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** Users as inserted: the column order both stores' INSERT statements use. */
export const userValues = (user: UserRecord): (string | number | null)[] => [
  user.name,
  user.uid,
  JSON.stringify(user.roles),
  lockToJson(user.lock),
  user.origin,
  JSON.stringify(user.traits),
  user.createdAt.getTime(),
  user.updatedAt.getTime(),
];
