import type { Database } from "better-sqlite3";

import type { AuditQuery, AuditRepository, RoleRepository, UserRepository } from "./hub-store.js";
import type { AuditEventRecord, RoleRecord, UserRecord } from "./records.js";

// Users, roles and the audit log: what the kube endpoint reads and writes.

interface UserRow {
  name: string;
  roles: string;
  created_at: number;
  updated_at: number;
}

interface RoleRow {
  name: string;
  document: string;
  created_at: number;
  updated_at: number;
}

const userFromRow = (row: UserRow): UserRecord => ({
  name: row.name,
  roles: JSON.parse(row.roles) as string[],
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

  async upsert(user: UserRecord): Promise<boolean> {
    const existed = (await this.get(user.name)) !== undefined;
    this.db
      .prepare(
        `INSERT INTO users (name, roles, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET roles = excluded.roles, updated_at = excluded.updated_at`,
      )
      .run(
        user.name,
        JSON.stringify(user.roles),
        user.createdAt.getTime(),
        user.updatedAt.getTime(),
      );
    return !existed;
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

interface AuditRow {
  time: number;
  request_id: string;
  user: string;
  cluster: string;
  kubernetes_user: string;
  kubernetes_groups: string;
  verb: string;
  method: string;
  path: string;
  resource: string;
  namespace: string;
  name: string;
  status: number;
  duration_ms: number;
  reason: string;
}

const toAuditRow = (event: AuditEventRecord): AuditRow => ({
  time: event.time.getTime(),
  request_id: event.requestId,
  user: event.user,
  cluster: event.cluster,
  kubernetes_user: event.kubernetesUser,
  kubernetes_groups: JSON.stringify(event.kubernetesGroups),
  verb: event.verb,
  method: event.method,
  path: event.path,
  resource: event.resource,
  namespace: event.namespace,
  name: event.name,
  status: event.status,
  duration_ms: event.durationMs,
  reason: event.reason,
});

export class SqliteAudit implements AuditRepository {
  // Prepared once and run in one transaction per batch: one commit (one fsync) per batch.
  private readonly insertAll: (events: readonly AuditEventRecord[]) => void;

  constructor(private readonly db: Database) {
    const insert = db.prepare<AuditRow>(
      `INSERT INTO audit_events (time, request_id, user, cluster, kubernetes_user,
         kubernetes_groups, verb, method, path, resource, namespace, name, status, duration_ms,
         reason)
       VALUES (@time, @request_id, @user, @cluster, @kubernetes_user, @kubernetes_groups, @verb,
         @method, @path, @resource, @namespace, @name, @status, @duration_ms, @reason)`,
    );
    this.insertAll = db.transaction((events: readonly AuditEventRecord[]) => {
      for (const event of events) insert.run(toAuditRow(event));
    });
  }

  append(events: readonly AuditEventRecord[]): Promise<void> {
    if (events.length > 0) this.insertAll(events);
    return Promise.resolve();
  }

  list(query: AuditQuery): Promise<AuditEventRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_events
         WHERE (@user IS NULL OR user = @user) AND (@cluster IS NULL OR cluster = @cluster)
           AND time >= @since
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        user: query.user ?? null,
        cluster: query.cluster ?? null,
        since: query.since?.getTime() ?? 0,
        limit: query.limit,
      }) as AuditRow[];
    return Promise.resolve(
      rows.map((row) => ({
        time: new Date(row.time),
        requestId: row.request_id,
        user: row.user,
        cluster: row.cluster,
        kubernetesUser: row.kubernetes_user,
        kubernetesGroups: JSON.parse(row.kubernetes_groups) as string[],
        verb: row.verb,
        method: row.method,
        path: row.path,
        resource: row.resource,
        namespace: row.namespace,
        name: row.name,
        status: row.status,
        durationMs: row.duration_ms,
        reason: row.reason,
      })),
    );
  }
}
