// Row shapes as both stores return them (times in ms, JSON as text), and their conversion.
import type {
  AgentPlacement,
  AgentRecord,
  ClusterRecord,
  JoinTokenRecord,
  TokenType,
} from "./records.js";

export interface JoinTokenRow {
  id: string;
  type: string;
  secret_hash: string;
  expires_at: number;
  uses_total: number;
  uses_remaining: number;
  labels: string;
  cluster_name: string | null;
  agent_label_keys: string;
  admin_name: string | null;
  created_at: number;
}

export interface ClusterRow {
  name: string;
  labels: string;
  created_at: number;
  updated_at: number;
}

export interface AgentRow {
  id: string;
  cluster_name: string;
  token_id: string;
  agent_version: string;
  certificate_serial: string;
  previous_certificate_serial: string | null;
  certificate_pem: string;
  previous_certificate_pem: string | null;
  certificate_expires_at: number;
  joined_at: number;
  renewed_at: number | null;
  revoked_at: number | null;
  /** AgentPlacement as JSON. */
  placement: string;
  /** A JSON array. */
  label_keys: string;
}

const optionalDate = (ms: number | null) => (ms === null ? undefined : new Date(ms));

export function tokenFromRow(row: JoinTokenRow): JoinTokenRecord {
  return {
    id: row.id,
    type: row.type as TokenType,
    secretHash: row.secret_hash,
    expiresAt: new Date(row.expires_at),
    usesTotal: row.uses_total,
    usesRemaining: row.uses_remaining,
    labels: JSON.parse(row.labels) as Record<string, string>,
    clusterName: row.cluster_name ?? undefined,
    agentLabelKeys: JSON.parse(row.agent_label_keys) as string[],
    adminName: row.admin_name ?? undefined,
    createdAt: new Date(row.created_at),
  };
}

export function tokenToRow(token: JoinTokenRecord): JoinTokenRow {
  return {
    id: token.id,
    type: token.type,
    secret_hash: token.secretHash,
    expires_at: token.expiresAt.getTime(),
    uses_total: token.usesTotal,
    uses_remaining: token.usesRemaining,
    labels: JSON.stringify(token.labels),
    cluster_name: token.clusterName ?? null,
    agent_label_keys: JSON.stringify(token.agentLabelKeys),
    admin_name: token.adminName ?? null,
    created_at: token.createdAt.getTime(),
  };
}

export const clusterFromRow = (row: ClusterRow): ClusterRecord => ({
  name: row.name,
  labels: JSON.parse(row.labels) as Record<string, string>,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

export const clusterToRow = (cluster: ClusterRecord): ClusterRow => ({
  name: cluster.name,
  labels: JSON.stringify(cluster.labels),
  created_at: cluster.createdAt.getTime(),
  updated_at: cluster.updatedAt.getTime(),
});

export function agentFromRow(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    clusterName: row.cluster_name,
    tokenId: row.token_id,
    agentVersion: row.agent_version,
    certificateSerial: row.certificate_serial,
    previousCertificateSerial: row.previous_certificate_serial ?? undefined,
    certificatePem: row.certificate_pem,
    previousCertificatePem: row.previous_certificate_pem ?? undefined,
    certificateExpiresAt: new Date(row.certificate_expires_at),
    joinedAt: new Date(row.joined_at),
    renewedAt: optionalDate(row.renewed_at),
    revokedAt: optionalDate(row.revoked_at),
    placement: JSON.parse(row.placement) as AgentPlacement,
    labelKeys: JSON.parse(row.label_keys) as string[],
  };
}

export function agentToRow(agent: AgentRecord): AgentRow {
  return {
    id: agent.id,
    cluster_name: agent.clusterName,
    token_id: agent.tokenId,
    agent_version: agent.agentVersion,
    certificate_serial: agent.certificateSerial,
    previous_certificate_serial: agent.previousCertificateSerial ?? null,
    certificate_pem: agent.certificatePem,
    previous_certificate_pem: agent.previousCertificatePem ?? null,
    certificate_expires_at: agent.certificateExpiresAt.getTime(),
    joined_at: agent.joinedAt.getTime(),
    renewed_at: agent.renewedAt?.getTime() ?? null,
    revoked_at: agent.revokedAt?.getTime() ?? null,
    placement: JSON.stringify(agent.placement),
    label_keys: JSON.stringify(agent.labelKeys),
  };
}
