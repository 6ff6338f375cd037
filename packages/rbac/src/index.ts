export { RbacError, RbacErrorCode } from "./errors.js";
export {
  resolveKubeAccess,
  type KubeAccess,
  type KubeAccessDenial,
  type KubeAccessRequest,
  type KubeCluster,
} from "./kube-access.js";
export { parseLabelExpression, type LabelExpression } from "./label-expression.js";
export { compileLabelSelector, compileValuePattern, type LabelSelector } from "./label-matcher.js";
export { parseRoleDocument, type Role, type RoleConditions } from "./role-document.js";
export { decideResource, type ObjectFilter, type ResourceDecision } from "./resource-access.js";
export {
  RESOURCE_VERBS,
  type KubeResourceRequest,
  type KubeResourceRule,
} from "./resource-rules.js";
export { applyTraits } from "./role-traits.js";
export { expandValues, parseTemplate, type Traits } from "./trait-template.js";
