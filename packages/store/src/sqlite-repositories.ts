import type { Database } from "better-sqlite3";

import type {
  AgentJoin,
  AgentRepository,
  CertificateAuthorityRepository,
  CertificateRenewal,
  JoinOutcome,
  HubKeyRepository,
  JoinTokenRepository,
} from "./hub-store.js";
import type {
  AgentPlacement,
  AgentRecord,
  CertificateAuthorityRecord,
  HubKeyRecord,
  JoinTokenRecord,
} from "./records.js";
import {
  agentFromRow,
  agentToRow,
  clusterFromRow,
  clusterToRow,
  tokenFromRow,
  tokenToRow,
  type AgentRow,
  type ClusterRow,
  type JoinTokenRow,
} from "./store-rows.js";

// better-sqlite3 is synchronous; the repositories are async so that a networked store
// (PostgreSQL) fits the same interfaces.

export class SqliteCertificateAuthority implements CertificateAuthorityRepository {
  constructor(private readonly db: Database) {}

  get(): Promise<CertificateAuthorityRecord | undefined> {
    const row = this.db
      .prepare("SELECT certificate_pem, private_key_pem, created_at FROM certificate_authority")
      .get() as
      { certificate_pem: string; private_key_pem: string; created_at: number } | undefined;
    return Promise.resolve(
      row && {
        certificatePem: row.certificate_pem,
        privateKeyPem: row.private_key_pem,
        createdAt: new Date(row.created_at),
      },
    );
  }

  async initialize(ca: CertificateAuthorityRecord): Promise<CertificateAuthorityRecord> {
    this.db
      .prepare(
        `INSERT INTO certificate_authority (id, certificate_pem, private_key_pem, created_at)
         VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(ca.certificatePem, ca.privateKeyPem, ca.createdAt.getTime());
    return (await this.get()) ?? ca;
  }
}

const USE_TOKEN_SQL = `UPDATE join_tokens SET uses_remaining = uses_remaining - 1
  WHERE id = ? AND uses_remaining > 0 AND expires_at > ?`;

export class SqliteJoinTokens implements JoinTokenRepository {
  constructor(private readonly db: Database) {}

  consume(id: string, now: Date): Promise<boolean> {
    return Promise.resolve(this.db.prepare(USE_TOKEN_SQL).run(id, now.getTime()).changes > 0);
  }

  create(token: JoinTokenRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO join_tokens (id, type, secret_hash, expires_at, uses_total, uses_remaining,
           labels, cluster_name, agent_label_keys, admin_name, created_at)
         VALUES (@id, @type, @secret_hash, @expires_at, @uses_total, @uses_remaining, @labels,
           @cluster_name, @agent_label_keys, @admin_name, @created_at)`,
      )
      .run(tokenToRow(token));
    return Promise.resolve();
  }

  get(id: string): Promise<JoinTokenRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM join_tokens WHERE id = ?").get(id) as
      JoinTokenRow | undefined;
    return Promise.resolve(row && tokenFromRow(row));
  }

  list(): Promise<JoinTokenRecord[]> {
    const rows = this.db.prepare("SELECT * FROM join_tokens ORDER BY created_at").all();
    return Promise.resolve((rows as JoinTokenRow[]).map(tokenFromRow));
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(
      this.db.prepare("DELETE FROM join_tokens WHERE id = ?").run(id).changes > 0,
    );
  }

  deleteExpiredBefore(cutoff: Date): Promise<number> {
    const result = this.db
      .prepare("DELETE FROM join_tokens WHERE expires_at < ?")
      .run(cutoff.getTime());
    return Promise.resolve(result.changes);
  }
}

export class SqliteAgents implements AgentRepository {
  constructor(private readonly db: Database) {}

  join(join: AgentJoin): Promise<JoinOutcome> {
    const useToken = this.db.prepare(USE_TOKEN_SQL);
    const findCluster = this.db.prepare("SELECT * FROM clusters WHERE name = ?");
    const createCluster = this.db.prepare(
      `INSERT INTO clusters (name, labels, created_at, updated_at)
       VALUES (@name, @labels, @created_at, @updated_at)`,
    );
    const insert = this.db.prepare(
      `INSERT INTO agents (id, cluster_name, token_id, agent_version, certificate_serial,
         previous_certificate_serial, certificate_pem, previous_certificate_pem,
         certificate_expires_at, joined_at, renewed_at, revoked_at, placement, label_keys)
       VALUES (@id, @cluster_name, @token_id, @agent_version, @certificate_serial,
         @previous_certificate_serial, @certificate_pem, @previous_certificate_pem,
         @certificate_expires_at, @joined_at, @renewed_at, @revoked_at, @placement, @label_keys)`,
    );
    const outcome = this.db.transaction((): JoinOutcome => {
      const existing = findCluster.get(join.cluster.name) as ClusterRow | undefined;
      if (existing && !join.mayJoinExisting) return { outcome: "cluster_exists" };
      const spends = join.consumesToken !== false;
      if (spends && useToken.run(join.tokenId, join.now.getTime()).changes === 0)
        return { outcome: "token_unavailable" };
      if (!existing) createCluster.run(clusterToRow(join.cluster));
      insert.run(agentToRow(join.agent));
      return existing
        ? { outcome: "joined", cluster: clusterFromRow(existing), created: false }
        : { outcome: "joined", cluster: join.cluster, created: true };
    })();
    return Promise.resolve(outcome);
  }

  get(id: string): Promise<AgentRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM agents WHERE id = ?").get(id) as
      AgentRow | undefined;
    return Promise.resolve(row && agentFromRow(row));
  }

  list(): Promise<AgentRecord[]> {
    const rows = this.db.prepare("SELECT * FROM agents ORDER BY cluster_name, joined_at").all();
    return Promise.resolve((rows as AgentRow[]).map(agentFromRow));
  }

  inCluster(clusterName: string): Promise<AgentRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM agents WHERE cluster_name = ? ORDER BY joined_at")
      .all(clusterName);
    return Promise.resolve((rows as AgentRow[]).map(agentFromRow));
  }

  recordRenewal(id: string, renewal: CertificateRenewal): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE agents SET previous_certificate_serial = certificate_serial,
           previous_certificate_pem = certificate_pem,
           certificate_serial = ?, certificate_pem = ?, certificate_expires_at = ?, renewed_at = ?
         WHERE id = ? AND revoked_at IS NULL`,
      )
      .run(
        renewal.serial,
        renewal.certificatePem,
        renewal.expiresAt.getTime(),
        renewal.renewedAt.getTime(),
        id,
      );
    return Promise.resolve(result.changes > 0);
  }

  setPlacement(id: string, placement: AgentPlacement): Promise<boolean> {
    const result = this.db
      .prepare("UPDATE agents SET placement = ? WHERE id = ?")
      .run(JSON.stringify(placement), id);
    return Promise.resolve(result.changes > 0);
  }

  revoke(id: string, at: Date): Promise<boolean> {
    const result = this.db
      .prepare("UPDATE agents SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .run(at.getTime(), id);
    return Promise.resolve(result.changes > 0);
  }
}

export class SqliteHubKeys implements HubKeyRepository {
  constructor(private readonly db: Database) {}

  get(name: string): Promise<HubKeyRecord | undefined> {
    const row = this.db
      .prepare("SELECT name, private_key_pem, created_at FROM hub_keys WHERE name = ?")
      .get(name) as { name: string; private_key_pem: string; created_at: number } | undefined;
    return Promise.resolve(
      row && {
        name: row.name,
        privateKeyPem: row.private_key_pem,
        createdAt: new Date(row.created_at),
      },
    );
  }

  async initialize(key: HubKeyRecord): Promise<HubKeyRecord> {
    this.db
      .prepare(
        `INSERT INTO hub_keys (name, private_key_pem, created_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO NOTHING`,
      )
      .run(key.name, key.privateKeyPem, key.createdAt.getTime());
    return (await this.get(key.name)) ?? key;
  }
}
