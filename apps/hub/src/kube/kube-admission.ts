import type { TLSSocket } from "node:tls";

import type { HeaderLine } from "@warren/kube";
import { resolveKubeAccess } from "@warren/rbac";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import type { AgentRegistry, ConnectedAgent } from "../tunnel/agent-registry.js";
import { findCluster, listClusters } from "./cluster-directory.js";
import { requestedIdentity } from "./impersonation-request.js";
import type { KubeAuthenticator } from "./kube-authenticator.js";
import { KubeRefusal } from "./kube-refusal.js";
import { parseKubeRoute, type KubeRoute } from "./kube-route.js";
import type { RoleBook } from "./user-roles.js";

export interface KubeAdmissionDeps {
  authenticator: KubeAuthenticator;
  store: HubStore;
  roleBook: RoleBook;
  registry: AgentRegistry;
  clock: Clock;
}

/** What is known of a request so far; the audit event records it however far it got. */
export interface KubeRequestContext {
  user: string;
  cluster: string;
  path: string;
  kubernetesUser: string;
  kubernetesGroups: string[];
}

export interface AdmittedKubeRequest {
  route: KubeRoute;
  agent: ConnectedAgent;
  kubernetesUser: string;
  kubernetesGroups: string[];
}

async function unknownCluster(deps: KubeAdmissionDeps, name: string): Promise<KubeRefusal> {
  const known = (await listClusters(deps.store)).map((c) => c.name);
  return new KubeRefusal(
    404,
    `there is no cluster "${name}" on this hub` +
      (known.length > 0 ? ` (clusters: ${known.join(", ")})` : " (no cluster has joined yet)"),
  );
}

/**
 * Authenticates, authorizes and routes one request, filling `context` as it goes. Each step
 * that fails throws a KubeRefusal whose status and message say what to do.
 */
export async function admitKubeRequest(
  deps: KubeAdmissionDeps,
  socket: TLSSocket,
  url: string,
  headers: readonly HeaderLine[],
  context: KubeRequestContext,
): Promise<AdmittedKubeRequest> {
  const route = parseKubeRoute(url);
  context.cluster = route.cluster;
  context.path = route.path;
  const user = await deps.authenticator.authenticate(socket);
  context.user = user.name;
  const cluster = await findCluster(deps.store, route.cluster);
  if (!cluster) throw await unknownCluster(deps, route.cluster);
  const requested = requestedIdentity(headers);
  const access = resolveKubeAccess({
    user: user.name,
    roles: await deps.roleBook.rolesOf(user),
    cluster,
    requestedUser: requested.user,
    requestedGroups: requested.groups,
  });
  if (!access.allowed) throw new KubeRefusal(403, `Warren denied the request: ${access.reason}`);
  context.kubernetesUser = access.kubernetesUser;
  context.kubernetesGroups = access.kubernetesGroups;
  const agent = deps.registry.pick(cluster.name);
  if (!agent) {
    throw new KubeRefusal(
      503,
      `cluster "${cluster.name}" is offline: none of its agents is connected to the hub; check ` +
        "warrenctl clusters ls and the agent's logs (kubectl logs -n warren statefulset/warren-agent)",
    );
  }
  return { route, agent, ...access };
}
