export { kubeStatus, parseKubeStatus, type KubeStatus } from "./kube-status.js";
export { warningHeaderValue } from "./warning-header.js";
export {
  forwardableHeaders,
  headerLines,
  isImpersonationHeader,
  isUpgradeRequest,
  type HeaderLine,
} from "./proxy-headers.js";
export { requestAttributes, type RequestAttributes } from "./request-attributes.js";
export {
  JsonListFilter,
  JsonWatchFilter,
  objectShown,
  type ObjectPredicate,
} from "./json-object-filter.js";
export { identityOf, type ObjectIdentity } from "./json-identity.js";
export { protobufObjectName } from "./protobuf-name.js";
