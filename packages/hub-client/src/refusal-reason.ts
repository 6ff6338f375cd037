import { Metadata, type ServiceError } from "@grpc/grpc-js";

/**
 * Why the hub refused a call, machine-readable, in the trailing metadata beside the human
 * message, so clients can act on it (re-join, stop retrying) without parsing text.
 */
export const REFUSAL_REASON_KEY = "warren-reason";

export enum RefusalReason {
  MalformedToken = "malformed_token",
  UnknownToken = "unknown_token",
  ExpiredToken = "expired_token",
  TokenUsedUp = "token_used_up",
  WrongTokenType = "wrong_token_type",
  /** The token was minted for another cluster (or admin) than the caller asked for. */
  TokenNameMismatch = "token_name_mismatch",
  /** A cluster of that name exists and the token was not minted for it. */
  ClusterExists = "cluster_exists",
  /** The agent asked for labels its token does not let it set. */
  LabelsNotAllowed = "labels_not_allowed",
  /** An agent pinned to another CA will not join this hub (its own report; no token sent). */
  CaPinMismatch = "ca_pin_mismatch",
  /** Too many failed joins from the caller's address lately. */
  Throttled = "throttled",
  InvalidRequest = "invalid_request",
  /** The caller's certificate is missing, not from this hub's CA, or expired. */
  Unauthenticated = "unauthenticated",
  /** The caller is known but its identity was revoked or superseded. */
  IdentityRevoked = "identity_revoked",
  /** The caller's identity may not make this call. */
  NotAllowed = "not_allowed",
  NotFound = "not_found",
  /** Wrong user name or password (which of the two is not said). */
  BadCredentials = "bad_credentials",
  /** Too many wrong passwords lately: logins wait until the time in the message. */
  LockedOut = "locked_out",
  /** An admin locked the user. */
  UserLocked = "user_locked",
  /** The invite is unknown, used or expired. */
  InvalidInvite = "invalid_invite",
  /** The login session ended (logout, an admin) or expired: log in again. */
  SessionEnded = "session_ended",
  /** The identity provider or its answer was refused; the message says which check failed. */
  SsoFailed = "sso_failed",
  /** The identity provider's claims map to no Warren role. */
  NoRolesMapped = "no_roles_mapped",
  /** A ServiceAccount token failed a check (signature, audience, expiry, lifetime). */
  ServiceAccountTokenRejected = "service_account_token_rejected",
  /** A valid ServiceAccount token of an account the provision token does not allow. */
  ServiceAccountNotAllowed = "service_account_not_allowed",
  /** The CA rotation is not in a phase from which that step may be taken. */
  RotationPhase = "rotation_phase",
  /** Agents have not caught up with the CA rotation; the step would strand them. */
  AgentsBehind = "agents_behind",
}

export function refusalMetadata(reason: RefusalReason): Metadata {
  const metadata = new Metadata();
  metadata.set(REFUSAL_REASON_KEY, reason);
  return metadata;
}

export function refusalReasonOf(error: unknown): RefusalReason | undefined {
  const metadata = (error as Partial<ServiceError> | undefined)?.metadata;
  const value = metadata instanceof Metadata ? metadata.get(REFUSAL_REASON_KEY)[0] : undefined;
  return Object.values(RefusalReason).find((reason) => reason === value);
}
