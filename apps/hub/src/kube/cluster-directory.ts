import type { KubeCluster } from "@warren/rbac";
import type { HubStore } from "@warren/store";

// A cluster, its name and labels, is the admin's: RBAC, listings and doctor all read it from
// the store's cluster table, never from an agent.

export async function findCluster(store: HubStore, name: string): Promise<KubeCluster | undefined> {
  const record = await store.clusters.get(name);
  return record && { name: record.name, labels: record.labels };
}

/** Every cluster, by name. */
export async function listClusters(store: HubStore): Promise<KubeCluster[]> {
  return (await store.clusters.list()).map(({ name, labels }) => ({ name, labels }));
}
