import type { AgentInfo, ClusterInfo } from "@warren/proto";
import type { AgentRecord, ClusterRecord, HubStore } from "@warren/store";

import type { AdminHandlerDeps } from "../grpc/admin-handler.js";
import type { AccessWatch } from "../kube/kube-sessions.js";
import { placementToWire } from "../tunnel/agent-placement.js";
import type { AgentRegistry, ConnectedAgent } from "../tunnel/agent-registry.js";

export interface ClusterAdminDeps extends AdminHandlerDeps {
  store: HubStore;
  registry: AgentRegistry;
  /** Ends the open sessions a change takes away. */
  sessions: AccessWatch;
}

function agentInfo(record: AgentRecord, connected: ConnectedAgent | undefined): AgentInfo {
  return {
    agentId: record.id,
    version: connected?.agentVersion ?? record.agentVersion,
    connected: connected !== undefined,
    connectedAtUnixMs: connected?.connectedAt.getTime() ?? 0,
    lastHeartbeatUnixMs: connected?.lastHeartbeatAt?.getTime() ?? 0,
    tunnelRttMs: connected?.tunnel.roundTripMs ?? 0,
    certificateExpiresAtUnixMs: record.certificateExpiresAt.getTime(),
    health: connected?.health,
    placement: placementToWire(connected?.placement ?? record.placement),
  };
}

/** Every cluster with its agents that are not revoked, connected ones first. */
export function clusters(
  records: readonly ClusterRecord[],
  agents: readonly AgentRecord[],
  registry: AgentRegistry,
): ClusterInfo[] {
  const byName = new Map<string, ClusterInfo>(
    records.map((c) => [c.name, { name: c.name, labels: c.labels, agents: [], health: undefined }]),
  );
  for (const agent of agents.filter((a) => !a.revokedAt)) {
    const cluster = byName.get(agent.clusterName);
    if (!cluster) continue;
    const connected = registry.get(agent.id);
    cluster.agents.push(agentInfo(agent, connected));
    if (connected?.health) cluster.health = connected.health;
  }
  for (const cluster of byName.values())
    cluster.agents.sort((a, b) => Number(b.connected) - Number(a.connected));
  return [...byName.values()];
}

/** The clusters as ListClusters shows them, now. */
export async function listClusterInfos(
  deps: Pick<ClusterAdminDeps, "store" | "registry">,
): Promise<ClusterInfo[]> {
  const [records, agents] = await Promise.all([
    deps.store.clusters.list(),
    deps.store.agents.list(),
  ]);
  return clusters(records, agents, deps.registry);
}
