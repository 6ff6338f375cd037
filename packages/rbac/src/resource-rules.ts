import { compileValuePattern, type ValuePattern } from "./label-matcher.js";

/** One kubernetes_resources entry, as stored. */
export interface KubeResourceRule {
  kind: string;
  apiGroup: string;
  namespace: string;
  name: string;
  verbs: string[];
}

export const RESOURCE_VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "exec",
  "portforward",
  "*",
] as const;

/** A resource request in the rules' terms: exec and portforward are verbs of pods. */
export interface KubeResourceRequest {
  verb: string;
  /** The plural resource, "pods"; a subresource's parent. */
  kind: string;
  apiGroup: string;
  /** Empty for a cluster-scoped resource or a list across namespaces. */
  namespace: string;
  /** Empty for a collection (list, watch, create, deletecollection). */
  name: string;
}

interface CompiledRule {
  kind: ValuePattern;
  apiGroup: ValuePattern;
  namespace: ValuePattern;
  name: ValuePattern;
  verbs: readonly string[];
  /** Matches every namespace and every name: nothing of a list needs filtering. */
  everywhere: boolean;
}

const compiledRules = new WeakMap<KubeResourceRule, CompiledRule>();

function compiled(rule: KubeResourceRule): CompiledRule {
  let done = compiledRules.get(rule);
  if (done === undefined) {
    done = {
      kind: compileValuePattern(rule.kind),
      apiGroup: compileValuePattern(rule.apiGroup),
      namespace: compileValuePattern(rule.namespace),
      name: compileValuePattern(rule.name),
      verbs: rule.verbs,
      everywhere: rule.namespace === "*" && rule.name === "*",
    };
    compiledRules.set(rule, done);
  }
  return done;
}

/** Namespaces are cluster-scoped, but a rule's namespace field names them too. */
const namespaceOf = (kind: string, namespace: string, name: string) =>
  kind === "namespaces" ? name : namespace;

const filterable = (verb: string) => verb === "list" || verb === "watch";

function appliesTo(rule: CompiledRule, request: KubeResourceRequest): boolean {
  return (
    rule.kind(request.kind) &&
    rule.apiGroup(request.apiGroup) &&
    (rule.verbs.includes("*") || rule.verbs.includes(request.verb))
  );
}

/** Whether the object namespace/name of the request's kind is within the rule. */
export function ruleCoversObject(
  rule: KubeResourceRule,
  request: KubeResourceRequest,
  namespace: string,
  name: string,
): boolean {
  const c = compiled(rule);
  return (
    appliesTo(c, request) && c.namespace(namespaceOf(request.kind, namespace, name)) && c.name(name)
  );
}

/**
 * Whether the rule lets the request through the door. A list or watch across namespaces, or
 * of a namespace without a name, goes through when the rule might cover some of its objects:
 * they are filtered afterwards. Anything else needs the rule to cover what it names, and a
 * collection write (create, deletecollection) needs every name.
 */
export function ruleAdmits(rule: KubeResourceRule, request: KubeResourceRequest): boolean {
  const c = compiled(rule);
  if (!appliesTo(c, request)) return false;
  if (request.name !== "") return ruleCoversObject(rule, request, request.namespace, request.name);
  const namespace = namespaceOf(request.kind, request.namespace, request.name);
  if (filterable(request.verb)) return namespace === "" || c.namespace(namespace);
  return c.namespace(namespace) && rule.name === "*";
}

/**
 * Whether the rule covers all a request could return, so a list needs no filtering by it:
 * every namespace and name, or the request's own namespace and every name.
 */
export function ruleCoversRequest(rule: KubeResourceRule, request: KubeResourceRequest): boolean {
  const c = compiled(rule);
  if (!appliesTo(c, request)) return false;
  if (c.everywhere) return true;
  if (request.name !== "") return ruleCoversObject(rule, request, request.namespace, request.name);
  const namespace = namespaceOf(request.kind, request.namespace, request.name);
  return (
    namespace !== "" && request.kind !== "namespaces" && c.namespace(namespace) && rule.name === "*"
  );
}

/** Whether the rule may cover some object the request touches (a deny that must not miss). */
export function ruleMightCover(rule: KubeResourceRule, request: KubeResourceRequest): boolean {
  const c = compiled(rule);
  if (!appliesTo(c, request)) return false;
  if (request.name !== "") return ruleCoversObject(rule, request, request.namespace, request.name);
  const namespace = namespaceOf(request.kind, request.namespace, request.name);
  return namespace === "" || c.namespace(namespace);
}

/** "pods in dev-* [get, list]", for messages that name the rules a request fell outside. */
export function describeRule(rule: KubeResourceRule): string {
  const group = rule.apiGroup === "" ? "" : `${rule.apiGroup}/`;
  const name = rule.name === "*" ? "" : ` named ${rule.name}`;
  return `${group}${rule.kind}${name} in ${rule.namespace} [${rule.verbs.join(", ")}]`;
}
