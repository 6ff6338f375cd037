export { StoreError, StoreErrorCode } from "./errors.js";
export type {
  AgentJoin,
  AgentRepository,
  AuditQuery,
  ClusterRepository,
  AuditRepository,
  ChangeFeed,
  DocumentRepository,
  HubReplicaRepository,
  RoleDeletion,
  StoreChange,
  RoleRepository,
  UserRepository,
  CertificateAuthorityRepository,
  CertificateRenewal,
  HubKeyRepository,
  HubStore,
  JoinOutcome,
  JoinTokenRepository,
} from "./hub-store.js";
export {
  AUDIT_KINDS,
  lockInForce,
  TOKEN_TYPES,
  type AgentPlacement,
  type AgentRecord,
  type AuditEventRecord,
  type AuditKind,
  type AuditStage,
  type ClusterRecord,
  type DocumentRecord,
  type NewDocument,
  type UserLock,
  type RoleRecord,
  type UserRecord,
  type CertificateAuthorityRecord,
  type HubKeyRecord,
  type HubReplicaRecord,
  type JoinTokenRecord,
  type TokenType,
} from "./records.js";
export { openSqliteStore, type OpenSqliteStoreOptions } from "./sqlite-store.js";
export {
  openPostgresStore,
  redactStoreUrl,
  type OpenPostgresStoreOptions,
} from "./postgres-store.js";
export { isPostgresUrl, openStore, type OpenStoreOptions } from "./open-store.js";
