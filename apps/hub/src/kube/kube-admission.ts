import type { HeaderLine, RequestAttributes } from "@warren/kube";
import type { KubeCluster, KubeResourceRequest } from "@warren/rbac";

import type { AgentRegistry, ConnectedAgent } from "../tunnel/agent-registry.js";
import { decideKubeAccess, type AccessDecisionDeps } from "./access-decision.js";
import { requestedIdentity, type RequestedIdentity } from "./impersonation-request.js";
import type { AuthenticatedCaller } from "./kube-authenticator.js";
import { KubeRefusal } from "./kube-refusal.js";
import type { KubeRoute } from "./kube-route.js";
import { createdName } from "./create-name.js";
import { resourceRequestOf, type FilterHolder } from "./resource-request.js";

export interface KubeAdmissionDeps extends AccessDecisionDeps {
  registry: AgentRegistry;
}

export interface AdmittedKubeRequest {
  requestId: string;
  route: KubeRoute;
  agent: ConnectedAgent;
  requested: RequestedIdentity;
  kubernetesUser: string;
  kubernetesGroups: string[];
  /** A watch, logs -f, or an upgrade: audited when it starts and when it ends. */
  longRunning: boolean;
  resource?: KubeResourceRequest;
  /** Set when kubernetes_resources let the user see only some objects of the answer. */
  filter?: FilterHolder;
  /** Whether an interactive exec or attach is recorded (the roles that grant it say). */
  recordSessions: boolean;
  /** A create's body, read to learn the object's name; relayed instead of the request's. */
  body?: Buffer;
}

/** Watches, followed logs and upgraded connections run as long as the client wants. */
export function isLongRunning(method: string, verb: string, route: KubeRoute, upgrade: boolean) {
  if (upgrade || verb === "watch") return true;
  const url = new URL(route.path, "http://kube");
  return (
    method === "GET" &&
    /\/pods\/[^/]+\/log$/.test(url.pathname) &&
    ["true", "1"].includes(url.searchParams.get("follow") ?? "")
  );
}

/**
 * Authorizes and routes one authenticated request. Each step that fails throws a
 * KubeRefusal whose status and message say what to do.
 */
export async function admitKubeRequest(
  deps: KubeAdmissionDeps,
  authenticated: AuthenticatedCaller,
  cluster: KubeCluster,
  request: {
    requestId: string;
    /** Read once per request from its method and path. */
    attributes: RequestAttributes;
    route: KubeRoute;
    headers: readonly HeaderLine[];
    longRunning: boolean;
    /** Reads the whole body of a create, when its object's name decides. */
    readBody?: () => Promise<Buffer>;
  },
): Promise<AdmittedKubeRequest> {
  const requested = requestedIdentity(request.headers);
  let resource = resourceRequestOf(request.attributes);
  let body: Buffer | undefined;
  const decide = () => decideKubeAccess(deps, authenticated.user, cluster, requested, resource);
  const grant = await decide().catch(async (error: unknown) => {
    // Rules that name objects refused a create without a name: judge it by the one it carries.
    const nameless = resource?.verb === "create" && resource.name === "";
    const byRules = error instanceof KubeRefusal && error.denial === "resource_not_allowed";
    if (!nameless || !byRules || !request.readBody || !resource) throw error;
    body = await request.readBody();
    const name = createdName(body, request.headers);
    if (name === undefined) throw error;
    resource = { ...resource, name };
    return decide();
  });
  const agent = deps.registry.pick(grant.cluster.name);
  if (!agent) {
    throw new KubeRefusal(
      503,
      `cluster "${grant.cluster.name}" is offline: none of its agents is connected to the hub; ` +
        "check warrenctl clusters ls and the agent's logs (kubectl logs -n warren " +
        "statefulset/warren-agent)",
      5,
    );
  }
  return {
    requestId: request.requestId,
    route: request.route,
    agent,
    requested,
    kubernetesUser: grant.kubernetesUser,
    kubernetesGroups: grant.kubernetesGroups,
    longRunning: request.longRunning,
    recordSessions: grant.recordSessions,
    ...(resource ? { resource } : {}),
    ...(grant.filter ? { filter: { current: grant.filter } } : {}),
    ...(body ? { body } : {}),
  };
}
