export { StoreError, StoreErrorCode } from "./errors.js";
export type {
  AgentRepository,
  AuditQuery,
  AuditRepository,
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
  TOKEN_TYPES,
  type AgentRecord,
  type AuditEventRecord,
  type RoleRecord,
  type UserRecord,
  type CertificateAuthorityRecord,
  type HubKeyRecord,
  type JoinTokenRecord,
  type TokenType,
} from "./records.js";
export { openSqliteStore, type OpenSqliteStoreOptions } from "./sqlite-store.js";
