import type { HostPort } from "@warren/config";
import type { Logger } from "@warren/log";
import type { AgentRecord, HubStore } from "@warren/store";
import { TunnelServer } from "@warren/tunnel";

import { hostKeyPems, type TunnelHostIdentity } from "../ca/tunnel-host-identity.js";
import type { Clock } from "../clock.js";
import { HubError, HubErrorCode } from "../errors.js";
import type { AgentRegistry, ConnectedAgent } from "./agent-registry.js";
import { watchHeartbeats } from "./heartbeats.js";
import { tunnelAuthenticator } from "./tunnel-authenticator.js";

export interface TunnelListenerOptions {
  listen: HostPort;
  hostIdentity: TunnelHostIdentity;
  store: HubStore;
  registry: AgentRegistry;
  clock: Clock;
  logger: Logger;
  keepaliveIntervalMs: number;
  keepaliveTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Names this replica to agents before they authenticate. */
  banner: string;
  /** Each agent once its tunnel is up (the hub tells it the live replicas). */
  onAgent(agent: ConnectedAgent): void;
  /** After an agent's labels changed its cluster's (see followAgentLabels). */
  onClusterLabels?: (cluster: string) => Promise<void>;
}

export interface TunnelListener {
  port: number;
  /** Stops taking new tunnels; the registry closes the open ones. */
  close(): void;
}

/** The SSH listener agents dial; each authenticated tunnel joins the registry. */
export async function startTunnelListener(options: TunnelListenerOptions): Promise<TunnelListener> {
  const server = new TunnelServer<AgentRecord>({
    hostKeyPems: hostKeyPems(options.hostIdentity),
    authenticate: tunnelAuthenticator(options.store, options.clock),
    onTunnel: (tunnel) => {
      const agent = options.registry.add(tunnel);
      watchHeartbeats(agent, options.heartbeatIntervalMs, options);
      options.onAgent(agent);
    },
    keepalive: { intervalMs: options.keepaliveIntervalMs, timeoutMs: options.keepaliveTimeoutMs },
    banner: options.banner,
    logger: options.logger,
  });
  const address = `${options.listen.host}:${options.listen.port}`;
  try {
    const port = await server.listen(options.listen.host, options.listen.port);
    return {
      port,
      close: () => {
        server.close();
      },
    };
  } catch (cause) {
    throw new HubError(
      HubErrorCode.Listen,
      `cannot listen on ${address}: ${(cause as Error).message}`,
      { cause },
    );
  }
}
