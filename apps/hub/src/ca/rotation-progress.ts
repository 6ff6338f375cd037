import { caPin, issuerIn } from "@warren/pki";
import type { AgentRecord, HubStore } from "@warren/store";

import type { AgentRegistry } from "../tunnel/agent-registry.js";
import type { HubAuthorities } from "./hub-authorities.js";

/** Where one agent stands in the CA rotation, as this replica sees it. */
export interface AgentProgress {
  agentId: string;
  clusterName: string;
  connected: boolean;
  /** The CA that signed its current certificate; empty when no trusted CA did. */
  certificatePin: string;
  /** Whether it said (to this replica) that it trusts the rotation's new CA. */
  trustsNew: boolean;
  /** Whether it said it trusts exactly the CAs the hub trusts; undefined if it has not said. */
  trustsSame: boolean | undefined;
  /** Why it has not caught up with the phase; undefined when it has. */
  behind: string | undefined;
}

function certificatePinOf(record: AgentRecord, trustedPem: string): string {
  try {
    const issuer = issuerIn(record.certificatePem, trustedPem);
    return issuer ? caPin(issuer) : "";
  } catch {
    return "";
  }
}

function behindReason(
  authorities: HubAuthorities,
  progress: Omit<AgentProgress, "behind">,
): string | undefined {
  const { phase, active } = authorities.state;
  const newPin = authorities.view.clientPin;
  const unconnected = progress.connected ? "" : " (not connected to this replica)";
  if (phase === "standby") {
    if (progress.certificatePin === "")
      return "its certificate is from a CA the hub no longer trusts: reset its state and join it again";
    return progress.trustsSame === false ? "it still trusts a CA the hub dropped" : undefined;
  }
  if (phase === "rollback") {
    return progress.certificatePin === caPin(active.certificatePem)
      ? undefined
      : `its certificate is still from the new CA${unconnected}`;
  }
  // The store knows every agent's certificate; what it trusts only a connected one can say.
  if (phase !== "init" && progress.certificatePin !== newPin) {
    return `its certificate is still from the old CA${unconnected}`;
  }
  return progress.trustsNew ? undefined : `it has not said it trusts the new CA${unconnected}`;
}

/** Every agent that is not revoked, and whether it has caught up with the rotation's phase. */
export async function rotationProgress(
  authorities: HubAuthorities,
  store: HubStore,
  registry: AgentRegistry,
): Promise<AgentProgress[]> {
  const next = authorities.state.next;
  const newPin = next ? caPin(next.certificatePem) : "";
  const agents = (await store.agents.list()).filter((record) => !record.revokedAt);
  const hubPins = authorities.view.trusted.map((pem) => caPin(pem));
  return agents.map((record) => {
    const connected = registry.get(record.id);
    const said = connected?.authorities?.trustedPins;
    const progress = {
      agentId: record.id,
      clusterName: record.clusterName,
      connected: connected !== undefined,
      certificatePin: certificatePinOf(record, authorities.trustedPem),
      trustsNew: newPin !== "" && (said?.includes(newPin) ?? false),
      trustsSame:
        said === undefined
          ? undefined
          : said.length === hubPins.length && said.every((pin) => hubPins.includes(pin)),
    };
    return { ...progress, behind: behindReason(authorities, progress) };
  });
}
