import { resolveKubeAccess, type KubeCluster, type Role } from "@warren/rbac";
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

/** The clusters `user`'s roles reach, by name: all a user may learn of what exists. */
export async function reachableClusters(
  store: HubStore,
  user: string,
  roles: readonly Role[],
): Promise<KubeCluster[]> {
  return (await listClusters(store)).filter(
    (cluster) => resolveKubeAccess({ user, roles, cluster }).allowed,
  );
}
