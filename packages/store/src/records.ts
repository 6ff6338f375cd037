/** The hub's certificate authority. Its key never leaves the hub's store. */
export interface CertificateAuthorityRecord {
  certificatePem: string;
  privateKeyPem: string;
  createdAt: Date;
}

/** kube: joins a Kubernetes agent; admin: enrols warrenctl on another machine. */
export const TOKEN_TYPES = ["kube", "admin"] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** A join token as stored: a hash of its secret, never the secret. */
export interface JoinTokenRecord {
  id: string;
  type: TokenType;
  secretHash: string;
  expiresAt: Date;
  /** How many joins the token allowed when minted. */
  usesTotal: number;
  usesRemaining: number;
  labels: Record<string, string>;
  createdAt: Date;
}

export interface AgentRecord {
  id: string;
  clusterName: string;
  labels: Record<string, string>;
  /** The join token it joined with. */
  tokenId: string;
  agentVersion: string;
  /** Serial of the certificate most recently issued to the agent. */
  certificateSerial: string;
  /** That certificate: its key is the one the agent's tunnel authenticates with. */
  certificatePem: string;
  /**
   * Serial of the one before, still accepted until it expires: a renewal whose answer was
   * lost must not lock the agent out.
   */
  previousCertificateSerial: string | undefined;
  previousCertificatePem: string | undefined;
  certificateExpiresAt: Date;
  joinedAt: Date;
  renewedAt: Date | undefined;
  revokedAt: Date | undefined;
}

/** A private key the hub keeps, e.g. its SSH host key. */
export interface HubKeyRecord {
  name: string;
  privateKeyPem: string;
  createdAt: Date;
}

/** A person who reaches clusters through the hub with kubectl. */
export interface UserRecord {
  name: string;
  roles: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A role as applied: its YAML text, parsed again (cheaply) when a request needs it. */
export interface RoleRecord {
  name: string;
  document: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One request through the hub's kube endpoint. */
export interface AuditEventRecord {
  time: Date;
  requestId: string;
  user: string;
  cluster: string;
  /** Who the agent acted as; empty when the hub refused before choosing. */
  kubernetesUser: string;
  kubernetesGroups: string[];
  verb: string;
  method: string;
  path: string;
  resource: string;
  namespace: string;
  name: string;
  status: number;
  durationMs: number;
  /** Why the hub refused, when it did. */
  reason: string;
}
