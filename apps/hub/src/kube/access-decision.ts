import {
  resolveKubeAccess,
  type KubeCluster,
  type KubeResourceRequest,
  type ObjectFilter,
} from "@warren/rbac";
import type { HubStore, UserRecord } from "@warren/store";

import type { Clock } from "../clock.js";
import { findCluster, reachableClusters } from "./cluster-directory.js";
import type { RequestedIdentity } from "./impersonation-request.js";
import { checkCaller, checkIssuer, checkLock, type Trust } from "./kube-authenticator.js";
import { KubeRefusal } from "./kube-refusal.js";
import type { SessionGrant } from "./kube-sessions.js";
import type { RoleBook } from "./user-roles.js";

export interface AccessDecisionDeps {
  store: HubStore;
  roleBook: RoleBook;
  clock: Clock;
}

export interface SessionCheckDeps extends AccessDecisionDeps {
  /** The CAs client certificates may come from now (a rotation step changes them). */
  clientTrust: () => Trust;
}

export interface KubeGrant {
  cluster: KubeCluster;
  kubernetesUser: string;
  kubernetesGroups: string[];
  /** Set when the user may see only some objects of this list or watch. */
  filter?: ObjectFilter;
  /** Whether an exec or attach is recorded: unless every role granting it says not to. */
  recordSessions: boolean;
}

/**
 * The cluster of that name, or a 404 naming only the clusters this user's roles reach: a user
 * learns no name of a cluster they cannot reach.
 */
export async function clusterNamed(
  deps: AccessDecisionDeps,
  user: UserRecord,
  name: string,
): Promise<KubeCluster> {
  const cluster = await findCluster(deps.store, name);
  if (cluster) return cluster;
  const roles = await deps.roleBook.rolesOf(user);
  const reachable = (await reachableClusters(deps.store, user.name, roles)).map((c) => c.name);
  throw new KubeRefusal(
    404,
    `there is no cluster ${JSON.stringify(name.slice(0, 63))} on this hub that you may reach` +
      (reachable.length > 0 ? ` (yours: ${reachable.join(", ")})` : ""),
  );
}

/** What the user may act as on the cluster, or the refusal (403, 404) that says why not. */
export async function decideKubeAccess(
  deps: AccessDecisionDeps,
  user: UserRecord,
  cluster: KubeCluster,
  requested: RequestedIdentity,
  resource: KubeResourceRequest | undefined,
): Promise<KubeGrant> {
  checkLock(user, deps.clock.now());
  const roles = await deps.roleBook.rolesOf(user);
  const access = resolveKubeAccess({
    user: user.name,
    roles,
    cluster,
    requestedUser: requested.user,
    requestedGroups: requested.groups,
    ...(resource ? { resource } : {}),
  });
  if (!access.allowed) {
    throw new KubeRefusal(
      403,
      `Warren denied the request: ${access.reason}`,
      undefined,
      access.denial,
    );
  }
  const granting = roles.filter((role) => access.roles.includes(role.name));
  return { cluster, ...access, recordSessions: granting.some((r) => r.recordSessions !== false) };
}

/**
 * Whether an open session still holds: its certificate from a CA trusted now, its user and
 * lock as on admission, and roles that still grant at least the Kubernetes identity it acts as.
 */
export function sessionCheck(deps: SessionCheckDeps) {
  return async (grant: SessionGrant): Promise<void> => {
    checkIssuer(grant.caller.certificatePem, deps.clientTrust(), deps.clock.now());
    const user = await checkCaller(deps.store, grant.caller, deps.clock.now());
    const cluster = await clusterNamed(deps, user, grant.cluster);
    const now = await decideKubeAccess(deps, user, cluster, grant.requested, grant.resource);
    const lost = [
      ...(now.kubernetesUser === grant.kubernetesUser
        ? []
        : [`Kubernetes user ${grant.kubernetesUser}`]),
      ...grant.kubernetesGroups
        .filter((g) => !now.kubernetesGroups.includes(g))
        .map((g) => `group ${g}`),
    ];
    if (now.filter && !grant.filter) lost.push("objects kubernetes_resources now hide");
    if (lost.length > 0) {
      throw new KubeRefusal(
        403,
        `Warren ended the request: user ${user.name}'s roles on cluster "${grant.cluster}" no ` +
          `longer grant what it was admitted as (${lost.join(", ")})`,
      );
    }
    // A filtered watch follows the roles as they are now.
    if (grant.filter) grant.filter.current = now.filter ?? (() => true);
  };
}
