import type {
  AgentRecord,
  AuditEventRecord,
  RoleRecord,
  UserRecord,
  CertificateAuthorityRecord,
  HubKeyRecord,
  JoinTokenRecord,
} from "./records.js";

export interface CertificateAuthorityRepository {
  get(): Promise<CertificateAuthorityRecord | undefined>;
  /** Stores `ca` unless a CA exists already; returns the stored one either way. */
  initialize(ca: CertificateAuthorityRecord): Promise<CertificateAuthorityRecord>;
}

export interface JoinTokenRepository {
  create(token: JoinTokenRecord): Promise<void>;
  get(id: string): Promise<JoinTokenRecord | undefined>;
  list(): Promise<JoinTokenRecord[]>;
  /** Uses one of the token's joins if it has one left and has not expired at `now`. */
  consume(id: string, now: Date): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** Removes tokens that expired before `cutoff`; returns how many. */
  deleteExpiredBefore(cutoff: Date): Promise<number>;
}

export interface CertificateRenewal {
  serial: string;
  certificatePem: string;
  expiresAt: Date;
  renewedAt: Date;
}

export type JoinOutcome = "joined" | "token_unavailable";

export interface AgentRepository {
  /**
   * In one transaction: uses one join of the token, if it still has one and has not expired
   * at `now`, and records the agent. Nothing is written when the token is unavailable.
   */
  join(tokenId: string, now: Date, agent: AgentRecord): Promise<JoinOutcome>;
  get(id: string): Promise<AgentRecord | undefined>;
  list(): Promise<AgentRecord[]>;
  /** The agents that joined as `clusterName`, revoked ones included, oldest first. */
  inCluster(clusterName: string): Promise<AgentRecord[]>;
  /** The new certificate becomes current; the current one becomes the previous one. */
  recordRenewal(id: string, renewal: CertificateRenewal): Promise<boolean>;
  revoke(id: string, at: Date): Promise<boolean>;
}

export interface HubKeyRepository {
  get(name: string): Promise<HubKeyRecord | undefined>;
  /** Stores `key` unless one of that name exists; returns the stored one either way. */
  initialize(key: HubKeyRecord): Promise<HubKeyRecord>;
}

export interface UserRepository {
  /** Creates the user, or replaces its roles if it exists; returns whether it was new. */
  upsert(user: UserRecord): Promise<boolean>;
  get(name: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  delete(name: string): Promise<boolean>;
}

export interface RoleRepository {
  /** Creates or replaces the role; returns whether it was new. */
  upsert(role: RoleRecord): Promise<boolean>;
  get(name: string): Promise<RoleRecord | undefined>;
  list(): Promise<RoleRecord[]>;
  delete(name: string): Promise<boolean>;
}

export interface AuditQuery {
  user?: string;
  cluster?: string;
  since?: Date;
  /** Newest first, at most this many. */
  limit: number;
}

export interface AuditRepository {
  /** Appends events in order, all or none. */
  append(events: readonly AuditEventRecord[]): Promise<void>;
  list(query: AuditQuery): Promise<AuditEventRecord[]>;
}

/** Everything the hub owns. SQLite implements it; PostgreSQL will for several replicas. */
export interface HubStore {
  readonly certificateAuthority: CertificateAuthorityRepository;
  readonly tokens: JoinTokenRepository;
  readonly agents: AgentRepository;
  readonly keys: HubKeyRepository;
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly audit: AuditRepository;
  /** Where the data lives, for logs. */
  readonly location: string;
  close(): Promise<void>;
}
