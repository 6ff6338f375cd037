import type { KubeCluster } from "@warren/rbac";
import type { AgentRecord, HubStore } from "@warren/store";

/** A cluster's labels are those of its newest agent that is not revoked. */
function fromAgents(name: string, agents: readonly AgentRecord[]): KubeCluster | undefined {
  const current = agents.filter((a) => !a.revokedAt);
  const newest = current.at(-1);
  return newest && { name, labels: newest.labels };
}

/** The cluster of that name, if any agent of it is not revoked. */
export async function findCluster(store: HubStore, name: string): Promise<KubeCluster | undefined> {
  return fromAgents(name, await store.agents.inCluster(name));
}

/** Every cluster with an agent that is not revoked, by name. */
export async function listClusters(store: HubStore): Promise<KubeCluster[]> {
  const byName = new Map<string, AgentRecord[]>();
  for (const agent of await store.agents.list()) {
    byName.set(agent.clusterName, [...(byName.get(agent.clusterName) ?? []), agent]);
  }
  return [...byName]
    .map(([name, agents]) => fromAgents(name, agents))
    .filter((c): c is KubeCluster => c !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}
