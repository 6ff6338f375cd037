export { HubClientError, HubClientErrorCode } from "./errors.js";
export {
  adminProfilePath,
  readAdminProfile,
  writeAdminProfile,
  type AdminProfile,
} from "./admin-profile.js";
export {
  checkHubServerCertificate,
  HUB_TLS_SERVER_NAME,
  hubChannel,
  type HubChannel,
  type HubTlsCredentials,
} from "./channel.js";
export {
  fetchPresentedCertificates,
  type FetchPresentedCertificatesOptions,
  type PresentedCertificates,
} from "./presented-certificates.js";
export { presentedRootCa } from "./presented-root-ca.js";
export {
  REFUSAL_REASON_KEY,
  RefusalReason,
  refusalMetadata,
  refusalReasonOf,
} from "./refusal-reason.js";
export { callUnary, DEFAULT_CALL_TIMEOUT_MS } from "./unary-call.js";
export {
  classifyCallFailure,
  isServiceError,
  isUnreachable,
  type CallFailure,
} from "./service-error.js";
