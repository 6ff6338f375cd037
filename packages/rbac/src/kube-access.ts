import { parseLabelExpression } from "./label-expression.js";
import { compileLabelSelector } from "./label-matcher.js";
import { decideResource, type ObjectFilter } from "./resource-access.js";
import type { KubeResourceRequest } from "./resource-rules.js";
import type { Role, RoleConditions } from "./role-document.js";

export interface KubeCluster {
  name: string;
  labels: Readonly<Record<string, string>>;
}

export interface KubeAccessRequest {
  /** The Warren user; also the Kubernetes user when roles name none. */
  user: string;
  roles: readonly Role[];
  cluster: KubeCluster;
  /** What the client asked to narrow to (kubectl --as / --as-group). */
  requestedUser?: string;
  requestedGroups?: readonly string[];
  /** The resource a request acts on; absent for non-resource paths (/api, /readyz). */
  resource?: KubeResourceRequest;
}

export type KubeAccessDenial =
  | "no_roles"
  | "no_matching_role"
  | "denied_by_role"
  | "nothing_granted"
  | "user_not_allowed"
  | "group_not_allowed"
  | "ambiguous_user"
  | "resource_not_allowed";

export type KubeAccess =
  | {
      allowed: true;
      kubernetesUser: string;
      kubernetesGroups: string[];
      roles: string[];
      /** Set when only some objects of a list or watch may be seen. */
      filter?: ObjectFilter;
    }
  | { allowed: false; denial: KubeAccessDenial; reason: string };

type ClusterMatcher = (labels: KubeCluster["labels"]) => boolean;

/** Compiled once per conditions object: resolution runs on every request, for every role. */
const compiled = new WeakMap<RoleConditions, ClusterMatcher>();

function compileConditions(conditions: RoleConditions): ClusterMatcher {
  const hasLabels = Object.keys(conditions.kubernetesLabels).length > 0;
  const source = conditions.kubernetesLabelsExpression;
  if (!hasLabels && source === undefined) return () => false;
  const selector = hasLabels ? compileLabelSelector(conditions.kubernetesLabels) : () => true;
  const expression = source === undefined ? undefined : parseLabelExpression(source);
  return (labels) => selector(labels) && (expression?.matches(labels) ?? true);
}

function conditionsMatch(conditions: RoleConditions, labels: KubeCluster["labels"]): boolean {
  let matcher = compiled.get(conditions);
  if (matcher === undefined) {
    matcher = compileConditions(conditions);
    compiled.set(conditions, matcher);
  }
  return matcher(labels);
}

const union = (lists: readonly (readonly string[])[]) => [...new Set(lists.flat())].sort();
const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(", ");
const deny = (denial: KubeAccessDenial, reason: string): KubeAccess => ({
  allowed: false,
  denial,
  reason,
});

interface Grants {
  users: string[];
  groups: string[];
  roles: string[];
  filter?: ObjectFilter;
}

const scopesByLabels = (c: RoleConditions) =>
  Object.keys(c.kubernetesLabels).length > 0 || c.kubernetesLabelsExpression !== undefined;

/**
 * A deny with kubernetes_resources denies those resources (on the clusters its labels match,
 * or on every cluster when it names none); a deny without them denies the whole cluster.
 */
function resourceDenials(roles: readonly Role[], cluster: KubeCluster) {
  return roles
    .filter((r) => r.deny.kubernetesResources.length > 0)
    .filter((r) => !scopesByLabels(r.deny) || conditionsMatch(r.deny, cluster.labels))
    .flatMap((r) => r.deny.kubernetesResources);
}

function grants(request: KubeAccessRequest): Grants | KubeAccess {
  const { user, roles, cluster } = request;
  if (roles.length === 0) {
    return deny("no_roles", `user "${user}" has no roles: give it one with warrenctl users add`);
  }
  const denying = roles.find(
    (role) =>
      role.deny.kubernetesResources.length === 0 && conditionsMatch(role.deny, cluster.labels),
  );
  if (denying) {
    return deny(
      "denied_by_role",
      `role "${denying.name}" denies cluster "${cluster.name}" (its deny rules match the cluster's labels)`,
    );
  }
  let matching = roles.filter((role) => conditionsMatch(role.allow, cluster.labels));
  if (matching.length === 0) {
    return deny(
      "no_matching_role",
      `no role of user "${user}" (${quoted(roles.map((r) => r.name))}) allows cluster ` +
        // Not the labels themselves: a user learns nothing of a cluster they cannot reach.
        `"${cluster.name}": none matches its labels (an admin sees them with warrenctl clusters ls)`,
    );
  }
  let filter: ObjectFilter | undefined;
  if (request.resource) {
    // Only the roles whose rules admit this request lend it their Kubernetes identity.
    const decision = decideResource(request.resource, matching, resourceDenials(roles, cluster));
    if (!decision.allowed) return deny("resource_not_allowed", decision.reason);
    matching = decision.roles;
    filter = decision.filter;
  }
  const deniedUsers = new Set(roles.flatMap((r) => r.deny.kubernetesUsers));
  const deniedGroups = new Set(roles.flatMap((r) => r.deny.kubernetesGroups));
  const users = union(matching.map((r) => r.allow.kubernetesUsers)).filter(
    (u) => !deniedUsers.has(u),
  );
  const groups = union(matching.map((r) => r.allow.kubernetesGroups)).filter(
    (g) => !deniedGroups.has(g),
  );
  const names = matching.map((r) => r.name);
  if (users.length === 0 && groups.length === 0) {
    return deny(
      "nothing_granted",
      `role(s) ${quoted(names)} allow cluster "${cluster.name}" but grant no kubernetes_groups ` +
        "or kubernetes_users: add the Kubernetes groups or users to act as to one of them",
    );
  }
  return { users, groups, roles: names, ...(filter ? { filter } : {}) };
}

function chooseUser(request: KubeAccessRequest, allowed: Grants): string | KubeAccess {
  const { requestedUser, user, cluster } = request;
  const candidates = allowed.users.length > 0 ? allowed.users : [user];
  if (requestedUser !== undefined) {
    if (candidates.includes(requestedUser)) return requestedUser;
    return deny(
      "user_not_allowed",
      `user "${user}" may not act as Kubernetes user "${requestedUser}" on cluster ` +
        `"${cluster.name}": roles ${quoted(allowed.roles)} allow ${quoted(candidates)}`,
    );
  }
  const [only] = candidates;
  if (candidates.length === 1 && only !== undefined) return only;
  return deny(
    "ambiguous_user",
    `roles ${quoted(allowed.roles)} allow several Kubernetes users on cluster ` +
      `"${cluster.name}" (${quoted(candidates)}): choose one with kubectl --as`,
  );
}

/**
 * Resolves what a user may be on a cluster: deny rules first, then the union of what every
 * matching role allows, narrowed to what the client asked for. Nothing is allowed by default.
 */
export function resolveKubeAccess(request: KubeAccessRequest): KubeAccess {
  const allowed = grants(request);
  if ("allowed" in allowed) return allowed;
  const kubernetesUser = chooseUser(request, allowed);
  if (typeof kubernetesUser !== "string") return kubernetesUser;
  const requested = request.requestedGroups ?? [];
  const refused = requested.filter((g) => !allowed.groups.includes(g));
  if (refused.length > 0) {
    return deny(
      "group_not_allowed",
      `user "${request.user}" may not act in Kubernetes group(s) ${quoted(refused)} on cluster ` +
        `"${request.cluster.name}": roles ${quoted(allowed.roles)} allow ${quoted(allowed.groups) || "no groups"}`,
    );
  }
  return {
    allowed: true,
    kubernetesUser,
    kubernetesGroups: requested.length > 0 ? [...new Set(requested)] : allowed.groups,
    roles: allowed.roles,
    ...(allowed.filter ? { filter: allowed.filter } : {}),
  };
}
