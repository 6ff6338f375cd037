import type {
  AgentPlacement,
  AgentRecord,
  AuditEventRecord,
  AuditKind,
  ClusterRecord,
  HubReplicaRecord,
  RoleRecord,
  UserLock,
  UserRecord,
  CertificateAuthorityRecord,
  DocumentRecord,
  NewDocument,
  HubKeyRecord,
  JoinTokenRecord,
  OrphanSweep,
  RecordingEnd,
  SessionRecordingRecord,
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
  /**
   * False for a provision token (a rule, proven by a ServiceAccount token): it has no row in
   * the tokens table and no uses to spend.
   */
  consumesToken?: boolean;
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
  /** Records where the agent says it runs now; false when there is no such agent. */
  setPlacement(id: string, placement: AgentPlacement): Promise<boolean>;
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
  /**
   * At an SSO login: creates the user, or replaces the roles and traits of the one the same
   * connector made (uid, lock and creation time stay). Undefined, and nothing written, when a
   * user of that name came from elsewhere (an admin, another connector).
   */
  upsertExternal(user: UserRecord): Promise<UserRecord | undefined>;
  /** Replaces the user's roles; undefined when there is no such user. */
  setRoles(name: string, roles: readonly string[], at: Date): Promise<UserRecord | undefined>;
  /** Locks the user, or lifts the lock with undefined; undefined when there is no such user. */
  setLock(name: string, lock: UserLock | undefined, at: Date): Promise<UserRecord | undefined>;
  get(name: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  delete(name: string): Promise<boolean>;
}

export interface DocumentRepository {
  /** The document, unless missing or expired at `now`. */
  get(kind: string, name: string, now: Date): Promise<DocumentRecord | undefined>;
  /** Unexpired documents of a kind whose names start with `prefix`, by name. */
  list(kind: string, now: Date, prefix?: string): Promise<DocumentRecord[]>;
  /** Writes the document as version 1 unless one of that kind and name exists (even expired). */
  create(document: NewDocument): Promise<DocumentRecord | undefined>;
  /** Creates or replaces; the version grows by one. */
  put(document: NewDocument): Promise<DocumentRecord>;
  /** Replaces only the version read (compare and swap); undefined if it changed since. */
  replace(document: NewDocument, version: number): Promise<DocumentRecord | undefined>;
  delete(kind: string, name: string): Promise<boolean>;
  /** Removes documents that expired before `cutoff`; returns how many. */
  deleteExpiredBefore(cutoff: Date): Promise<number>;
}

export type RoleDeletion =
  | { outcome: "deleted" }
  | { outcome: "missing" }
  /** Users hold the role; nothing was deleted. */
  | { outcome: "assigned"; holders: string[] };

export interface RoleRepository {
  /** Creates or replaces the role; returns whether it was new. */
  upsert(role: RoleRecord): Promise<boolean>;
  get(name: string): Promise<RoleRecord | undefined>;
  list(): Promise<RoleRecord[]>;
  /** Deletes the role unless a user holds it, checked in the same transaction. */
  delete(name: string): Promise<RoleDeletion>;
}

export interface HubReplicaRepository {
  /** Records that the replica is alive at `replica.seenAt`, adding it the first time. */
  heartbeat(replica: HubReplicaRecord): Promise<void>;
  /** Replicas seen at or after `since`, oldest first. */
  live(since: Date): Promise<HubReplicaRecord[]>;
  /** A replica that stops cleanly leaves at once rather than when it expires. */
  remove(id: string): Promise<void>;
  /** Forgets replicas not seen since `cutoff`; returns how many. */
  deleteSeenBefore(cutoff: Date): Promise<number>;
}

/** What one replica changed that the others act on at once (end sessions, cut tunnels). */
export type StoreChange =
  | { kind: "users"; names: string[] }
  | { kind: "roles" }
  | { kind: "cluster"; name: string }
  | { kind: "agents"; revoked: string[] }
  | { kind: "replicas" }
  /** The CA rotation moved: reload the certificate authorities. */
  | { kind: "authorities" }
  /** The feed was interrupted and changes may have been missed: re-check everything. */
  | { kind: "resync" };

export interface ChangeFeed {
  /** Tells every other replica; this one has acted already. */
  publish(change: StoreChange): Promise<void>;
  /** Calls `listener` for each change another replica publishes; returns how to stop. */
  subscribe(listener: (change: StoreChange) => void): () => void;
  /** Resolves once changes published from now on will be heard (after the first subscribe). */
  listening(): Promise<void>;
}

export interface AuditQuery {
  kind?: AuditKind;
  user?: string;
  cluster?: string;
  verb?: string;
  since?: Date;
  /** Events before this time only. */
  until?: Date;
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

export interface RecordingChunk {
  seq: number;
  data: Buffer;
}

export interface RecordingQuery {
  user?: string;
  cluster?: string;
  since?: Date;
  /** Newest first, at most this many. */
  limit: number;
}

/**
 * Recorded exec and attach sessions: a row per session and its events in chunks, written as
 * the session runs, so any replica can play one back (even one still running).
 */
export interface RecordingRepository {
  start(recording: SessionRecordingRecord): Promise<void>;
  /** Appends the chunk numbered `seq` (0, 1, 2…) of the recording's events. */
  append(id: string, seq: number, data: Buffer): Promise<void>;
  /** False when there is no such recording (it was pruned meanwhile). */
  finish(id: string, end: RecordingEnd): Promise<boolean>;
  get(id: string): Promise<SessionRecordingRecord | undefined>;
  list(query: RecordingQuery): Promise<SessionRecordingRecord[]>;
  /** The recording's chunks in order, from the one numbered `fromSeq`, at most `limit`. */
  chunks(id: string, fromSeq?: number, limit?: number): Promise<RecordingChunk[]>;
  /** Removes recordings started before `cutoff`, chunks and all; returns how many. */
  deleteBefore(cutoff: Date): Promise<number>;
  /**
   * Ends the recordings still running on replicas that are gone (not among the live ones),
   * saying so, with the bytes their chunks hold; returns their ids. Rows without a replica
   * (from earlier hubs) are left alone.
   */
  endOrphaned(sweep: OrphanSweep): Promise<string[]>;
}

/** Everything the hub owns: SQLite for one replica, PostgreSQL for several. */
export interface HubStore {
  readonly certificateAuthority: CertificateAuthorityRepository;
  readonly tokens: JoinTokenRepository;
  readonly agents: AgentRepository;
  readonly clusters: ClusterRepository;
  readonly keys: HubKeyRepository;
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly documents: DocumentRepository;
  readonly audit: AuditRepository;
  readonly recordings: RecordingRepository;
  readonly replicas: HubReplicaRepository;
  readonly changes: ChangeFeed;
  /** Whether several replicas may share this store (PostgreSQL), or only one (SQLite). */
  readonly shared: boolean;
  /** Where the data lives, for logs. */
  readonly location: string;
  close(): Promise<void>;
}
