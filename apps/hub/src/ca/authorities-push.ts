import { errorFields, type Logger } from "@warren/log";
import {
  AgentServiceService,
  type SetCertificateAuthoritiesRequest,
  type TunnelInfo,
} from "@warren/proto";

import type { ConnectedAgent } from "../tunnel/agent-registry.js";
import type { HubAuthorities } from "./hub-authorities.js";

/** An agent that renews its certificate before it answers may take a while. */
const PUSH_TIMEOUT_MS = 60_000;

/** What every agent is told: the CAs to trust, who signs agents, the tunnel's certificate. */
export function authoritiesMessage(
  authorities: HubAuthorities,
  tunnel: TunnelInfo,
): SetCertificateAuthoritiesRequest {
  const { view, state } = authorities;
  return {
    phase: state.phase,
    caCertificatesPem: view.trusted,
    signingCaPin: view.clientPin,
    // A snapshot: followRotation replaces the fields (and the array) of what it is given.
    tunnel: { ...tunnel },
  };
}

/**
 * Tells one agent the hub's CAs and records what it answers (for warrenctl status). An agent
 * too old to know the call is left as it is: it cannot follow a rotation and shows as behind.
 */
export async function pushAuthorities(
  agent: ConnectedAgent,
  message: SetCertificateAuthoritiesRequest,
  logger: Logger,
): Promise<void> {
  try {
    const answer = await agent.tunnel.grpc.unary(
      AgentServiceService.setCertificateAuthorities,
      message,
      { timeoutMs: PUSH_TIMEOUT_MS },
    );
    agent.authorities = {
      trustedPins: answer.trustedCaPins,
      certificatePin: answer.certificateCaPin,
    };
  } catch (error) {
    if (agent.tunnel.closed) return;
    logger.warn(
      { agentId: agent.record.id, phase: message.phase, ...errorFields(error) },
      "could not tell an agent the hub's certificate authorities",
    );
  }
}
