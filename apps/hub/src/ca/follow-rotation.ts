import { errorFields, type Logger } from "@warren/log";
import type { TunnelInfo } from "@warren/proto";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import type { ApiServer } from "../grpc/api-server.js";
import type { KubeServer } from "../kube/kube-server.js";
import type { AgentRegistry } from "../tunnel/agent-registry.js";
import type { WebServer } from "../web/web-server.js";
import { authoritiesMessage, pushAuthorities } from "./authorities-push.js";
import type { HubAuthorities } from "./hub-authorities.js";
import type { ServingIdentities } from "./serving-identities.js";
import { ensureTunnelHostIdentity, tunnelInfo } from "./tunnel-host-identity.js";

export interface FollowRotationDeps {
  authorities: HubAuthorities;
  serving: ServingIdentities;
  servers: {
    kube: Pick<KubeServer, "setIdentity">;
    web: Pick<WebServer, "setIdentity">;
    api: Pick<ApiServer, "setCredentials">;
  };
  /** What agents are told of the tunnel; its host certificates are replaced here. */
  tunnel: TunnelInfo;
  registry: AgentRegistry;
  store: HubStore;
  clock: Clock;
  logger: Logger;
}

/**
 * What this replica does when the CA rotation moves (here or on another replica): serve new
 * connections with certificates from the CA that serves now and accept clients of every
 * trusted CA, certify the SSH host keys anew, and tell every connected agent. Resolves once it
 * serves so; the agents are told without waiting for their answers. Open connections keep the
 * certificates they were made with.
 */
export async function followRotation(deps: FollowRotationDeps): Promise<void> {
  try {
    const now = await deps.serving.refresh();
    deps.servers.kube.setIdentity(now.identity, now.requestedPem);
    deps.servers.web.setIdentity(now.identity);
    deps.servers.api.setCredentials({ caPem: now.trustedPem, identity: now.identity });
    const host = await ensureTunnelHostIdentity(deps.store, now.view.serverIssuer, deps.clock);
    Object.assign(deps.tunnel, tunnelInfo(host, deps.tunnel.addr));
  } catch (error) {
    deps.logger.error(errorFields(error), "could not re-issue the hub's certificates");
    return;
  }
  // Not awaited: a step is done once this replica serves by it; agents follow as they answer
  // (an agent renewing its certificate first may take a while), and status shows who is behind.
  const message = authoritiesMessage(deps.authorities, deps.tunnel);
  for (const agent of deps.registry.all()) void pushAuthorities(agent, message, deps.logger);
}
