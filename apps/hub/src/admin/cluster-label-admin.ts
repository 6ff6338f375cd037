import { validateLabels } from "@warren/identity";
import type { handleUnaryCall } from "@grpc/grpc-js";
import type {
  ClusterInfo,
  DeleteClusterRequest,
  DeleteClusterResponse,
  LabelClusterRequest,
  LabelClusterResponse,
} from "@warren/proto";

import { announce } from "../replicas/apply-change.js";
import { refuse, validIdentityInput } from "../errors.js";
import { adminHandler } from "../grpc/admin-handler.js";
import { listClusterInfos, type ClusterAdminDeps } from "./cluster-infos.js";

const noCluster = (name: string) =>
  refuse.notFound(`there is no cluster ${name} (see warrenctl clusters ls)`);

export interface ClusterLabelAdmin {
  labelCluster: handleUnaryCall<LabelClusterRequest, LabelClusterResponse>;
  deleteCluster: handleUnaryCall<DeleteClusterRequest, DeleteClusterResponse>;
}

/** The admin's say over clusters: their labels, and removing one with all its agents. */
export function clusterLabelAdmin(deps: ClusterAdminDeps): ClusterLabelAdmin {
  const { store, registry, clock, sessions, logger: log } = deps;
  const info = async (name: string): Promise<ClusterInfo | undefined> =>
    (await listClusterInfos(deps)).find((c) => c.name === name);
  return {
    labelCluster: adminHandler(
      deps,
      "LabelCluster",
      async (call, admin) => {
        const { cluster: name, set, remove } = call.request;
        const existing = await store.clusters.get(name);
        if (!existing) throw noCluster(name);
        const labels = Object.fromEntries(
          Object.entries({
            ...existing.labels,
            ...validIdentityInput(() => validateLabels(set)),
          }).filter(([key]) => !remove.includes(key)),
        );
        await store.clusters.setLabels(name, labels, clock.now());
        // Roles match labels: someone may reach less of this cluster now.
        const ended = await sessions.recheck({ cluster: name });
        await announce(store, log, { kind: "cluster", name });
        log.info({ cluster: name, labels, admin, sessionsEnded: ended }, "cluster labels changed");
        return { cluster: await info(name) };
      },
      (request) => ({
        verb: "label",
        resource: "clusters",
        name: request.cluster,
        cluster: request.cluster,
      }),
    ),

    deleteCluster: adminHandler(
      deps,
      "DeleteCluster",
      async (call, admin) => {
        const name = call.request.cluster;
        const revoked = await store.clusters.delete(name, clock.now());
        if (!revoked) throw noCluster(name);
        for (const id of revoked) registry.disconnect(id, `cluster ${name} removed by ${admin}`);
        const ended = await sessions.recheck({ cluster: name });
        await announce(store, log, { kind: "agents", revoked });
        await announce(store, log, { kind: "cluster", name });
        log.info({ cluster: name, admin, revoked, sessionsEnded: ended }, "cluster removed");
        return { revokedAgentIds: revoked };
      },
      (request) => ({
        verb: "delete",
        resource: "clusters",
        name: request.cluster,
        cluster: request.cluster,
      }),
    ),
  };
}
