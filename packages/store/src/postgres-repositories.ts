import type {
  AgentJoin,
  AgentRepository,
  CertificateAuthorityRepository,
  CertificateRenewal,
  HubKeyRepository,
  JoinOutcome,
  JoinTokenRepository,
} from "./hub-store.js";
import type { PostgresDatabase, Queryable } from "./postgres-database.js";
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

export class PostgresCertificateAuthority implements CertificateAuthorityRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async get(): Promise<CertificateAuthorityRecord | undefined> {
    const { rows } = await this.db.query<{
      certificate_pem: string;
      private_key_pem: string;
      created_at: number;
    }>("SELECT certificate_pem, private_key_pem, created_at FROM certificate_authority");
    const row = rows[0];
    return (
      row && {
        certificatePem: row.certificate_pem,
        privateKeyPem: row.private_key_pem,
        createdAt: new Date(row.created_at),
      }
    );
  }

  async initialize(ca: CertificateAuthorityRecord): Promise<CertificateAuthorityRecord> {
    // Replicas starting together race here; the first insert wins and every one reads it.
    await this.db.query(
      `INSERT INTO certificate_authority (id, certificate_pem, private_key_pem, created_at)
       VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING`,
      [ca.certificatePem, ca.privateKeyPem, ca.createdAt.getTime()],
    );
    return (await this.get()) ?? ca;
  }
}

const USE_TOKEN_SQL = `UPDATE join_tokens SET uses_remaining = uses_remaining - 1
  WHERE id = $1 AND uses_remaining > 0 AND expires_at > $2`;

const TOKEN_COLUMNS = `id, type, secret_hash, expires_at, uses_total, uses_remaining, labels,
  cluster_name, agent_label_keys, admin_name, created_at`;

export class PostgresJoinTokens implements JoinTokenRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async consume(id: string, now: Date): Promise<boolean> {
    // The row lock makes a second replica's UPDATE wait and then see no use left.
    const result = await this.db.query(USE_TOKEN_SQL, [id, now.getTime()]);
    return (result.rowCount ?? 0) > 0;
  }

  async create(token: JoinTokenRecord): Promise<void> {
    const row = tokenToRow(token);
    await this.db.query(
      `INSERT INTO join_tokens (${TOKEN_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        row.id,
        row.type,
        row.secret_hash,
        row.expires_at,
        row.uses_total,
        row.uses_remaining,
        row.labels,
        row.cluster_name,
        row.agent_label_keys,
        row.admin_name,
        row.created_at,
      ],
    );
  }

  async get(id: string): Promise<JoinTokenRecord | undefined> {
    const { rows } = await this.db.query<JoinTokenRow>("SELECT * FROM join_tokens WHERE id = $1", [
      id,
    ]);
    return rows[0] && tokenFromRow(rows[0]);
  }

  async list(): Promise<JoinTokenRecord[]> {
    const { rows } = await this.db.query<JoinTokenRow>(
      "SELECT * FROM join_tokens ORDER BY created_at, id",
    );
    return rows.map(tokenFromRow);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.query("DELETE FROM join_tokens WHERE id = $1", [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    const result = await this.db.query("DELETE FROM join_tokens WHERE expires_at < $1", [
      cutoff.getTime(),
    ]);
    return result.rowCount ?? 0;
  }
}

const AGENT_COLUMNS = `id, cluster_name, token_id, agent_version, certificate_serial,
  previous_certificate_serial, certificate_pem, previous_certificate_pem,
  certificate_expires_at, joined_at, renewed_at, revoked_at, placement, label_keys`;

const agentValues = (row: AgentRow): unknown[] => [
  row.id,
  row.cluster_name,
  row.token_id,
  row.agent_version,
  row.certificate_serial,
  row.previous_certificate_serial,
  row.certificate_pem,
  row.previous_certificate_pem,
  row.certificate_expires_at,
  row.joined_at,
  row.renewed_at,
  row.revoked_at,
  row.placement,
  row.label_keys,
];

/** One attempt at a join; throws JoinRaced when another replica created the cluster meanwhile. */
async function tryJoin(client: Queryable, join: AgentJoin): Promise<JoinOutcome> {
  // FOR UPDATE: a cluster being deleted or joined elsewhere waits for this one.
  const found = await client.query<ClusterRow>(
    "SELECT * FROM clusters WHERE name = $1 FOR UPDATE",
    [join.cluster.name],
  );
  const existing = found.rows[0];
  if (existing && !join.mayJoinExisting) return { outcome: "cluster_exists" };
  if (join.consumesToken !== false) {
    const used = await client.query(USE_TOKEN_SQL, [join.tokenId, join.now.getTime()]);
    if ((used.rowCount ?? 0) === 0) return { outcome: "token_unavailable" };
  }
  if (!existing) {
    const cluster = clusterToRow(join.cluster);
    const created = await client.query(
      `INSERT INTO clusters (name, labels, created_at, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING`,
      [cluster.name, cluster.labels, cluster.created_at, cluster.updated_at],
    );
    if ((created.rowCount ?? 0) === 0) throw new JoinRaced();
  }
  await client.query(
    `INSERT INTO agents (${AGENT_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    agentValues(agentToRow(join.agent)),
  );
  return existing
    ? { outcome: "joined", cluster: clusterFromRow(existing), created: false }
    : { outcome: "joined", cluster: join.cluster, created: true };
}

/** Thrown to roll back a join whose cluster another replica created after it looked. */
class JoinRaced extends Error {}

export class PostgresAgents implements AgentRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async join(join: AgentJoin): Promise<JoinOutcome> {
    // The second attempt sees the other replica's cluster and decides as for any existing one.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction((client) => tryJoin(client, join));
      } catch (error) {
        if (!(error instanceof JoinRaced) || attempt > 0) throw error;
      }
    }
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    const { rows } = await this.db.query<AgentRow>("SELECT * FROM agents WHERE id = $1", [id]);
    return rows[0] && agentFromRow(rows[0]);
  }

  async list(): Promise<AgentRecord[]> {
    const { rows } = await this.db.query<AgentRow>(
      "SELECT * FROM agents ORDER BY cluster_name, joined_at, id",
    );
    return rows.map(agentFromRow);
  }

  async inCluster(clusterName: string): Promise<AgentRecord[]> {
    const { rows } = await this.db.query<AgentRow>(
      "SELECT * FROM agents WHERE cluster_name = $1 ORDER BY joined_at, id",
      [clusterName],
    );
    return rows.map(agentFromRow);
  }

  async recordRenewal(id: string, renewal: CertificateRenewal): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE agents SET previous_certificate_serial = certificate_serial,
         previous_certificate_pem = certificate_pem,
         certificate_serial = $1, certificate_pem = $2, certificate_expires_at = $3,
         renewed_at = $4
       WHERE id = $5 AND revoked_at IS NULL`,
      [
        renewal.serial,
        renewal.certificatePem,
        renewal.expiresAt.getTime(),
        renewal.renewedAt.getTime(),
        id,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async setPlacement(id: string, placement: AgentPlacement): Promise<boolean> {
    const result = await this.db.query("UPDATE agents SET placement = $1 WHERE id = $2", [
      JSON.stringify(placement),
      id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.db.query(
      "UPDATE agents SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
      [at.getTime(), id],
    );
    return (result.rowCount ?? 0) > 0;
  }
}

export class PostgresHubKeys implements HubKeyRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async get(name: string): Promise<HubKeyRecord | undefined> {
    const { rows } = await this.db.query<{
      name: string;
      private_key_pem: string;
      created_at: number;
    }>("SELECT name, private_key_pem, created_at FROM hub_keys WHERE name = $1", [name]);
    const row = rows[0];
    return (
      row && {
        name: row.name,
        privateKeyPem: row.private_key_pem,
        createdAt: new Date(row.created_at),
      }
    );
  }

  async initialize(key: HubKeyRecord): Promise<HubKeyRecord> {
    await this.db.query(
      `INSERT INTO hub_keys (name, private_key_pem, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING`,
      [key.name, key.privateKeyPem, key.createdAt.getTime()],
    );
    return (await this.get(key.name)) ?? key;
  }
}
