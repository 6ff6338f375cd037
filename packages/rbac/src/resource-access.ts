import type { Role } from "./role-document.js";
import {
  describeRule,
  ruleAdmits,
  ruleCoversObject,
  ruleCoversRequest,
  ruleMightCover,
  type KubeResourceRequest,
  type KubeResourceRule,
} from "./resource-rules.js";

/** Which objects of a list or watch the user may see; undefined when all of them. */
export type ObjectFilter = (namespace: string, name: string) => boolean;

export type ResourceDecision =
  { allowed: true; roles: Role[]; filter?: ObjectFilter } | { allowed: false; reason: string };

const filterable = (verb: string) => verb === "list" || verb === "watch";

function described(request: KubeResourceRequest): string {
  const group = request.apiGroup === "" ? "" : `${request.apiGroup}/`;
  const name = request.name === "" ? "" : ` "${request.name}"`;
  const where = request.namespace === "" ? "" : ` in namespace "${request.namespace}"`;
  return `${request.verb} ${group}${request.kind}${name}${where}`;
}

function ruleSet(roles: readonly Role[]): string {
  const rules = roles.flatMap((r) => r.allow.kubernetesResources.map(describeRule));
  return rules.length === 0 ? "none" : rules.join("; ");
}

/**
 * The resource-level decision for a request, among the roles that reach the cluster: deny
 * rules first, then the roles whose rules admit it (a role without kubernetes_resources admits
 * everything). Lists and watches that rules cover only in part get a filter for their objects.
 */
export function decideResource(
  request: KubeResourceRequest,
  allowing: readonly Role[],
  denyRules: readonly KubeResourceRule[],
): ResourceDecision {
  const list = filterable(request.verb);
  const blocking = denyRules.find((rule) =>
    list ? ruleCoversRequest(rule, request) : ruleMightCover(rule, request),
  );
  if (blocking) {
    return {
      allowed: false,
      reason: `a deny rule (${describeRule(blocking)}) covers ${described(request)}`,
    };
  }
  const admitted = allowing.filter(
    (role) =>
      role.allow.kubernetesResources.length === 0 ||
      role.allow.kubernetesResources.some((rule) => ruleAdmits(rule, request)),
  );
  if (admitted.length === 0) {
    return {
      allowed: false,
      reason:
        `no kubernetes_resources rule of roles ${allowing.map((r) => `"${r.name}"`).join(", ")} ` +
        `allows ${described(request)} (their rules: ${ruleSet(allowing)})`,
    };
  }
  if (!list) return { allowed: true, roles: admitted };
  const denying = denyRules.filter((rule) => ruleMightCover(rule, request));
  const whole = admitted.some(
    (role) =>
      role.allow.kubernetesResources.length === 0 ||
      role.allow.kubernetesResources.some((rule) => ruleCoversRequest(rule, request)),
  );
  if (whole && denying.length === 0) return { allowed: true, roles: admitted };
  const rules = admitted.flatMap((r) => r.allow.kubernetesResources);
  const filter: ObjectFilter = (namespace, name) =>
    (whole || rules.some((rule) => ruleCoversObject(rule, request, namespace, name))) &&
    !denying.some((rule) => ruleCoversObject(rule, request, namespace, name));
  return { allowed: true, roles: admitted, filter };
}
