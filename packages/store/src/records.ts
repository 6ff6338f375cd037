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
  /** Labels a cluster created by a join with this token gets. */
  labels: Record<string, string>;
  /**
   * The one cluster a kube token joins agents to. Undefined only for tokens minted before
   * tokens were bound; those may create a new cluster but never join an existing one.
   */
  clusterName: string | undefined;
  /** Label keys the agent may set itself (WARREN_LABELS) when its join creates the cluster. */
  agentLabelKeys: string[];
  /** The name an admin token enrols; undefined for kube tokens and old admin tokens. */
  adminName: string | undefined;
  createdAt: Date;
}

/**
 * A cluster as the admin made it: its name and the labels roles match. Every agent of the
 * cluster serves under these; an agent never chooses them.
 */
export interface ClusterRecord {
  name: string;
  labels: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export interface AgentRecord {
  id: string;
  clusterName: string;
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
  /** Where the agent says it runs (namespace, pod, Helm release…), for fixes that name them. */
  placement: AgentPlacement;
  /** Label keys its join token let it set on its cluster: they follow what the agent says. */
  labelKeys: string[];
}

/** Where an agent runs, as its chart tells it; an empty field is not known. */
export interface AgentPlacement {
  namespace?: string;
  pod?: string;
  statefulSet?: string;
  helmRelease?: string;
  chartVersion?: string;
}

/** A private key the hub keeps, e.g. its SSH host key. */
export interface HubKeyRecord {
  name: string;
  privateKeyPem: string;
  createdAt: Date;
}

/** An admin's lock on a user: every request is refused and open sessions end. */
export interface UserLock {
  reason: string;
  lockedBy: string;
  lockedAt: Date;
  /** Undefined: until unlocked. */
  expiresAt: Date | undefined;
}

/** A person who reaches clusters through the hub with kubectl. */
export interface UserRecord {
  name: string;
  /**
   * This incarnation of the name, fixed at creation and bound into every certificate signed
   * for it: a user deleted and added again does not get the old certificates back. Empty for
   * users created before uids existed (their certificates carry none either).
   */
  uid: string;
  roles: string[];
  lock: UserLock | undefined;
  /**
   * Where the user came from: "" for one an admin made (a local user), else the connector
   * that created it at its first SSO login ("oidc/corp", "github/acme"), which alone may
   * update it at later logins.
   */
  origin: string;
  /** What the identity provider said at the last login; roles use them as {{external.NAME}}. */
  traits: Record<string, string[]>;
  createdAt: Date;
  updatedAt: Date;
}

/** Whether a lock holds at `now` (an expired one is as good as lifted). */
export const lockInForce = (lock: UserLock | undefined, now: Date): lock is UserLock =>
  lock !== undefined && (lock.expiresAt === undefined || lock.expiresAt > now);

/** A role as applied: its YAML text, parsed again (cheaply) when a request needs it. */
export interface RoleRecord {
  name: string;
  document: string;
  createdAt: Date;
  updatedAt: Date;
}

/** kube: a request through the kube endpoint; admin: an admin API call; join: a join; login: a person logging in (or failing to). */
export const AUDIT_KINDS = ["kube", "admin", "join", "login"] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/**
 * As in Kubernetes' own audit log: a long-running request (watch, exec, attach,
 * port-forward, logs -f) has a ResponseStarted event when admitted and a ResponseComplete
 * one when it ends; every other request has only ResponseComplete.
 */
export type AuditStage = "ResponseStarted" | "ResponseComplete";

/** One audited action: a kubectl request, an admin call or a join. */
export interface AuditEventRecord {
  kind: AuditKind;
  stage: AuditStage;
  time: Date;
  requestId: string;
  /** The user, the admin, or for joins token:<id>. */
  user: string;
  /** The caller's address. */
  source: string;
  cluster: string;
  /** Who the agent acted as; empty when the hub refused before choosing (and for admin calls). */
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

/** A running hub replica, as it last said it was alive. */
export interface HubReplicaRecord {
  id: string;
  /** Where agents reach this replica's tunnel (host:port). */
  tunnelAddr: string;
  startedAt: Date;
  seenAt: Date;
}

/**
 * A small JSON document the hub keeps: connectors, login requests and sessions, passwords.
 * `version` grows with every write, so a compare-and-swap update loses no race.
 */
export interface DocumentRecord {
  kind: string;
  name: string;
  body: string;
  version: number;
  /** Gone for every reader after this; swept later. */
  expiresAt: Date | undefined;
  updatedAt: Date;
}

export type NewDocument = Omit<DocumentRecord, "version">;

/** An interactive exec or attach the hub recorded: who, where, and how it ended. */
export interface SessionRecordingRecord {
  /** The request id of the session's audit events. */
  id: string;
  user: string;
  cluster: string;
  kubernetesUser: string;
  namespace: string;
  pod: string;
  container: string;
  /** The command an exec ran; empty for attach. */
  command: string[];
  subresource: "exec" | "attach";
  tty: boolean;
  /** The stream protocol the API server chose (a WebSocket subprotocol, or SPDY and its). */
  protocol: string;
  startedAt: Date;
  /** Unset while the session runs (or when its replica stopped before it ended). */
  endedAt?: Date;
  /** The command's exit code, when the API server said it. */
  exitCode?: number;
  /** How it ended, in words: the API server's status, or why the hub ended it. */
  endReason: string;
  /** Bytes of recorded events so far. */
  bytes: number;
  /**
   * The hub replica recording it: when that replica is gone and the session never ended, the
   * others end it for it. Empty for recordings of hubs before this field.
   */
  replicaId: string;
}

/** What orphaned recordings are ended with, and which replicas still record theirs. */
export interface OrphanSweep {
  /** Replicas alive now: their running recordings are left alone. */
  liveReplicaIds: readonly string[];
  /** Only recordings started before this: a replica just started may not be listed yet. */
  startedBefore: Date;
  endedAt: Date;
}

/** How a recorded session ended. */
export interface RecordingEnd {
  endedAt: Date;
  exitCode?: number;
  endReason: string;
  bytes: number;
}
