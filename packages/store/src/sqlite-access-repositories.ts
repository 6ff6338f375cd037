import type { Database } from "better-sqlite3";

import type { RoleDeletion, RoleRepository, UserRepository } from "./hub-store.js";
import {
  lockToJson,
  roleFromRow,
  userFromRow,
  userValues,
  type RoleRow,
  type UserRow,
} from "./access-rows.js";
import type { RoleRecord, UserLock, UserRecord } from "./records.js";

// Users and roles: what the kube endpoint reads on every request.

export class SqliteUsers implements UserRepository {
  constructor(private readonly db: Database) {}

  create(user: UserRecord): Promise<boolean> {
    const inserted = this.db
      .prepare(
        `INSERT INTO users (name, uid, roles, lock, origin, traits, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
      )
      .run(...userValues(user));
    return Promise.resolve(inserted.changes > 0);
  }

  upsertExternal(user: UserRecord): Promise<UserRecord | undefined> {
    const row = this.db
      .prepare(
        `INSERT INTO users (name, uid, roles, lock, origin, traits, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET roles = excluded.roles, traits = excluded.traits,
           updated_at = excluded.updated_at
         WHERE users.origin = excluded.origin
         RETURNING *`,
      )
      .get(...userValues(user)) as UserRow | undefined;
    return Promise.resolve(row && userFromRow(row));
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

  delete(name: string): Promise<RoleDeletion> {
    const deletion = this.db.transaction((): RoleDeletion => {
      const users = this.db.prepare("SELECT * FROM users ORDER BY name").all() as UserRow[];
      const holders = users.map(userFromRow).filter((user) => user.roles.includes(name));
      if (holders.length > 0) return { outcome: "assigned", holders: holders.map((u) => u.name) };
      const deleted = this.db.prepare("DELETE FROM roles WHERE name = ?").run(name).changes > 0;
      return { outcome: deleted ? "deleted" : "missing" };
    })();
    return Promise.resolve(deletion);
  }
}
