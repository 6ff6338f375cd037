import { status, type handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { errorFields } from "@warren/log";
import {
  AgentServiceService,
  type CheckClusterHealthRequest,
  type CheckClusterHealthResponse,
} from "@warren/proto";

import { Refusal } from "../errors.js";
import { adminHandler } from "../grpc/admin-handler.js";
import { boundedHealth } from "../tunnel/heartbeats.js";
import { listClusterInfos, type ClusterAdminDeps } from "./cluster-infos.js";

/** A check reads /readyz and makes a few reviews; one that takes longer is itself a finding. */
const CHECK_TIMEOUT_MS = 20_000;

/** Health on demand: each connected agent of the cluster checks now, not at its next period. */
export function checkClusterHealthHandler(
  deps: ClusterAdminDeps,
): handleUnaryCall<CheckClusterHealthRequest, CheckClusterHealthResponse> {
  return adminHandler(deps, "CheckClusterHealth", async (call) => {
    const name = call.request.cluster;
    await Promise.all(
      deps.registry.inCluster(name).map(async (agent) => {
        try {
          const { health } = await agent.tunnel.grpc.unary(
            AgentServiceService.checkHealth,
            {},
            { timeoutMs: CHECK_TIMEOUT_MS },
          );
          if (health) agent.health = boundedHealth(health);
        } catch (error) {
          // The last reported health stands; the listing shows when that was.
          deps.logger.warn(
            { agentId: agent.record.id, ...errorFields(error) },
            "health check failed",
          );
        }
      }),
    );
    const cluster = (await listClusterInfos(deps)).find((c) => c.name === name);
    if (!cluster) {
      throw new Refusal(status.NOT_FOUND, RefusalReason.NotFound, `there is no cluster "${name}"`);
    }
    return { cluster };
  });
}
