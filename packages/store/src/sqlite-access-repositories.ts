import type { Database } from "better-sqlite3";

import type { RoleRepository, UserRepository } from "./hub-store.js";
import type { RoleRecord, UserLock, UserRecord } from "./records.js";

// Users and roles: what the kube endpoint reads on every request.

interface UserRow {
  name: string;
  uid: string;
  roles: string;
  lock: string | null;
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

function lockToJson(lock: UserLock | undefined): string | null {
  if (lock === undefined) return null;
  const json: LockJson = {
    reason: lock.reason,
    lockedBy: lock.lockedBy,
    lockedAtMs: lock.lockedAt.getTime(),
    expiresAtMs: lock.expiresAt?.getTime() ?? null,
  };
  return JSON.stringify(json);
}

interface RoleRow {
  name: string;
  document: string;
  created_at: number;
  updated_at: number;
}

const userFromRow = (row: UserRow): UserRecord => ({
  name: row.name,
  uid: row.uid,
  roles: JSON.parse(row.roles) as string[],
  lock: lockFromJson(row.lock),
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

const roleFromRow = (row: RoleRow): RoleRecord => ({
  name: row.name,
  document: row.document,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

export class SqliteUsers implements UserRepository {
  constructor(private readonly db: Database) {}

  create(user: UserRecord): Promise<boolean> {
    const inserted = this.db
      .prepare(
        `INSERT INTO users (name, uid, roles, lock, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
      )
      .run(
        user.name,
        user.uid,
        JSON.stringify(user.roles),
        lockToJson(user.lock),
        user.createdAt.getTime(),
        user.updatedAt.getTime(),
      );
    return Promise.resolve(inserted.changes > 0);
  }

  async setRoles(
    name: string,
    roles: readonly string[],
    at: Date,
  ): Promise<UserRecord | undefined> {
    const changed = this.db
      .prepare("UPDATE users SET roles = ?, updated_at = ? WHERE name = ?")
      .run(JSON.stringify(roles), at.getTime(), name).changes;
    return changed > 0 ? this.get(name) : undefined;
  }

  async setLock(
    name: string,
    lock: UserLock | undefined,
    at: Date,
  ): Promise<UserRecord | undefined> {
    const changed = this.db
      .prepare("UPDATE users SET lock = ?, updated_at = ? WHERE name = ?")
      .run(lockToJson(lock), at.getTime(), name).changes;
    return changed > 0 ? this.get(name) : undefined;
  }

  get(name: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM users WHERE name = ?").get(name) as
      UserRow | undefined;
    return Promise.resolve(row && userFromRow(row));
  }

  list(): Promise<UserRecord[]> {
    const rows = this.db.prepare("SELECT * FROM users ORDER BY name").all() as UserRow[];
    return Promise.resolve(rows.map(userFromRow));
  }

  delete(name: string): Promise<boolean> {
    return Promise.resolve(
      this.db.prepare("DELETE FROM users WHERE name = ?").run(name).changes > 0,
    );
  }
}

export class SqliteRoles implements RoleRepository {
  constructor(private readonly db: Database) {}

  async upsert(role: RoleRecord): Promise<boolean> {
    const existed = (await this.get(role.name)) !== undefined;
    this.db
      .prepare(
        `INSERT INTO roles (name, document, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET document = excluded.document,
           updated_at = excluded.updated_at`,
      )
      .run(role.name, role.document, role.createdAt.getTime(), role.updatedAt.getTime());
    return !existed;
  }

  get(name: string): Promise<RoleRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM roles WHERE name = ?").get(name) as
      RoleRow | undefined;
    return Promise.resolve(row && roleFromRow(row));
  }

  list(): Promise<RoleRecord[]> {
    const rows = this.db.prepare("SELECT * FROM roles ORDER BY name").all() as RoleRow[];
    return Promise.resolve(rows.map(roleFromRow));
  }

  delete(name: string): Promise<boolean> {
    return Promise.resolve(
      this.db.prepare("DELETE FROM roles WHERE name = ?").run(name).changes > 0,
    );
  }
}
