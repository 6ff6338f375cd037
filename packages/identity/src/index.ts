export { IdentityError, IdentityErrorCode } from "./errors.js";
export {
  generateJoinToken,
  hashTokenSecret,
  parseJoinToken,
  tokenSecretMatches,
  type JoinTokenParts,
  type NewJoinToken,
} from "./join-token.js";
export {
  formatLabels,
  parseLabels,
  sameLabels,
  validateClusterName,
  validateLabels,
  validatePrincipalName,
  type Labels,
} from "./cluster-labels.js";
export {
  DETECTED_LABEL_KEYS,
  DetectedLabel,
  RESERVED_LABEL_PREFIX,
  detectedLabelsOf,
  isReservedLabelKey,
} from "./detected-labels.js";
export {
  describeIdentity,
  identityUri,
  parseIdentityUri,
  readIdentity,
  type AdminScope,
  type IdentityKind,
  type WarrenIdentity,
} from "./warren-identity.js";
