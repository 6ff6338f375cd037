import type {
  AgentRecord,
  AuditEventRecord,
  AuditKind,
  ClusterRecord,
  RoleRecord,
  UserLock,
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

export interface AgentJoin {
  tokenId: string;
  now: Date;
  agent: AgentRecord;
  /** The cluster as the join would create it, if no cluster of that name exists. */
  cluster: ClusterRecord;
  /** Whether the agent may join a cluster of that name that exists already. */
  mayJoinExisting: boolean;
}

export type JoinOutcome =
  | { outcome: "joined"; cluster: ClusterRecord; created: boolean }
  /** The token has no join left, or expired. */
  | { outcome: "token_unavailable" }
  /** A cluster of that name exists and the token may not join it. */
  | { outcome: "cluster_exists" };

export interface AgentRepository {
  /**
   * In one transaction: uses one join of the token, if it still has one and has not expired
   * at `now`; creates the cluster or joins the existing one as `mayJoinExisting` allows; and
   * records the agent. Nothing is written unless it joins.
   */
  join(join: AgentJoin): Promise<JoinOutcome>;
  get(id: string): Promise<AgentRecord | undefined>;
  list(): Promise<AgentRecord[]>;
  /** The agents that joined as `clusterName`, revoked ones included, oldest first. */
  inCluster(clusterName: string): Promise<AgentRecord[]>;
  /** The new certificate becomes current; the current one becomes the previous one. */
  recordRenewal(id: string, renewal: CertificateRenewal): Promise<boolean>;
  revoke(id: string, at: Date): Promise<boolean>;
}

export interface ClusterRepository {
  get(name: string): Promise<ClusterRecord | undefined>;
  /** By name. */
  list(): Promise<ClusterRecord[]>;
  /** Replaces the labels; undefined when there is no such cluster. */
  setLabels(
    name: string,
    labels: Record<string, string>,
    at: Date,
  ): Promise<ClusterRecord | undefined>;
  /**
   * In one transaction: removes the cluster and revokes every agent of it. Returns the ids of
   * the agents revoked, or undefined when there is no such cluster.
   */
  delete(name: string, at: Date): Promise<string[] | undefined>;
}

export interface HubKeyRepository {
  get(name: string): Promise<HubKeyRecord | undefined>;
  /** Stores `key` unless one of that name exists; returns the stored one either way. */
  initialize(key: HubKeyRecord): Promise<HubKeyRecord>;
}

export interface UserRepository {
  /** Creates the user; false when one of that name exists. */
  create(user: UserRecord): Promise<boolean>;
  /** Replaces the user's roles; undefined when there is no such user. */
  setRoles(name: string, roles: readonly string[], at: Date): Promise<UserRecord | undefined>;
  /** Locks the user, or lifts the lock with undefined; undefined when there is no such user. */
  setLock(name: string, lock: UserLock | undefined, at: Date): Promise<UserRecord | undefined>;
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
  kind?: AuditKind;
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
  /** Removes events older than `cutoff` (the retention policy); returns how many. */
  deleteBefore(cutoff: Date): Promise<number>;
}

/** Everything the hub owns. SQLite implements it; PostgreSQL will for several replicas. */
export interface HubStore {
  readonly certificateAuthority: CertificateAuthorityRepository;
  readonly tokens: JoinTokenRepository;
  readonly agents: AgentRepository;
  readonly clusters: ClusterRepository;
  readonly keys: HubKeyRepository;
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly audit: AuditRepository;
  /** Where the data lives, for logs. */
  readonly location: string;
  close(): Promise<void>;
}
