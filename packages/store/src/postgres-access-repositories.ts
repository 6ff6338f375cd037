import {
  lockToJson,
  roleFromRow,
  userFromRow,
  userValues,
  type RoleRow,
  type UserRow,
} from "./access-rows.js";
import type { RoleDeletion, RoleRepository, UserRepository } from "./hub-store.js";
import type { PostgresDatabase, Queryable } from "./postgres-database.js";
import { ADVISORY_LOCK, lockFor } from "./postgres-locks.js";
import type { RoleRecord, UserLock, UserRecord } from "./records.js";

/** Serialises what assigns roles with what deletes them, across replicas. */
const lockAssignments = (client: Queryable) => lockFor(client, ADVISORY_LOCK.roleAssignment);

export class PostgresUsers implements UserRepository {
  constructor(private readonly db: PostgresDatabase) {}

  create(user: UserRecord): Promise<boolean> {
    return this.db.transaction(async (client) => {
      await lockAssignments(client);
      const inserted = await client.query(
        `INSERT INTO users (name, uid, roles, lock, origin, traits, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING`,
        userValues(user),
      );
      return (inserted.rowCount ?? 0) > 0;
    });
  }

  upsertExternal(user: UserRecord): Promise<UserRecord | undefined> {
    return this.db.transaction(async (client) => {
      await lockAssignments(client);
      const { rows } = await client.query<UserRow>(
        `INSERT INTO users (name, uid, roles, lock, origin, traits, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (name) DO UPDATE SET roles = excluded.roles, traits = excluded.traits,
           updated_at = excluded.updated_at
         WHERE users.origin = excluded.origin
         RETURNING *`,
        userValues(user),
      );
      return rows[0] && userFromRow(rows[0]);
    });
  }

  setRoles(name: string, roles: readonly string[], at: Date): Promise<UserRecord | undefined> {
    return this.db.transaction(async (client) => {
      await lockAssignments(client);
      const { rows } = await client.query<UserRow>(
        "UPDATE users SET roles = $1, updated_at = $2 WHERE name = $3 RETURNING *",
        [JSON.stringify(roles), at.getTime(), name],
      );
      return rows[0] && userFromRow(rows[0]);
    });
  }

  async setLock(
    name: string,
    lock: UserLock | undefined,
    at: Date,
  ): Promise<UserRecord | undefined> {
    const { rows } = await this.db.query<UserRow>(
      "UPDATE users SET lock = $1, updated_at = $2 WHERE name = $3 RETURNING *",
      [lockToJson(lock), at.getTime(), name],
    );
    return rows[0] && userFromRow(rows[0]);
  }

  async get(name: string): Promise<UserRecord | undefined> {
    const { rows } = await this.db.query<UserRow>("SELECT * FROM users WHERE name = $1", [name]);
    return rows[0] && userFromRow(rows[0]);
  }

  async list(): Promise<UserRecord[]> {
    const { rows } = await this.db.query<UserRow>("SELECT * FROM users ORDER BY name");
    return rows.map(userFromRow);
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.db.query("DELETE FROM users WHERE name = $1", [name]);
    return (result.rowCount ?? 0) > 0;
  }
}

export class PostgresRoles implements RoleRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async upsert(role: RoleRecord): Promise<boolean> {
    // xmax is 0 on a row this statement inserted, and set on one it updated.
    const { rows } = await this.db.query<{ inserted: boolean }>(
      `INSERT INTO roles (name, document, created_at, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET document = excluded.document,
         updated_at = excluded.updated_at
       RETURNING (xmax = 0) AS inserted`,
      [role.name, role.document, role.createdAt.getTime(), role.updatedAt.getTime()],
    );
    return rows[0]?.inserted === true;
  }

  async get(name: string): Promise<RoleRecord | undefined> {
    const { rows } = await this.db.query<RoleRow>("SELECT * FROM roles WHERE name = $1", [name]);
    return rows[0] && roleFromRow(rows[0]);
  }

  async list(): Promise<RoleRecord[]> {
    const { rows } = await this.db.query<RoleRow>("SELECT * FROM roles ORDER BY name");
    return rows.map(roleFromRow);
  }

  delete(name: string): Promise<RoleDeletion> {
    return this.db.transaction(async (client): Promise<RoleDeletion> => {
      await lockAssignments(client);
      const users = await client.query<UserRow>("SELECT * FROM users ORDER BY name");
      const holders = users.rows.map(userFromRow).filter((user) => user.roles.includes(name));
      if (holders.length > 0) return { outcome: "assigned", holders: holders.map((u) => u.name) };
      const result = await client.query("DELETE FROM roles WHERE name = $1", [name]);
      return { outcome: (result.rowCount ?? 0) > 0 ? "deleted" : "missing" };
    });
  }
}
