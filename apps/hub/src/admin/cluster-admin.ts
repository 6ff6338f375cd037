import { status, type handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import {
  AgentServiceService,
  type DeleteAgentRequest,
  type DeleteAgentResponse,
  type ListClustersRequest,
  type ListClustersResponse,
  type PingAgentRequest,
  type PingAgentResponse,
} from "@warren/proto";
import { announce } from "../replicas/apply-change.js";
import { refuse, Refusal } from "../errors.js";
import { adminHandler } from "../grpc/admin-handler.js";
import { listClusterInfos, type ClusterAdminDeps } from "./cluster-infos.js";
import { clusterLabelAdmin, type ClusterLabelAdmin } from "./cluster-label-admin.js";

const PING_TIMEOUT_MS = 10_000;

export interface ClusterAdmin extends ClusterLabelAdmin {
  listClusters: handleUnaryCall<ListClustersRequest, ListClustersResponse>;
  deleteAgent: handleUnaryCall<DeleteAgentRequest, DeleteAgentResponse>;
  pingAgent: handleUnaryCall<PingAgentRequest, PingAgentResponse>;
}

export function clusterAdmin(deps: ClusterAdminDeps): ClusterAdmin {
  const { store, registry, clock, logger: log } = deps;
  return {
    ...clusterLabelAdmin(deps),

    listClusters: adminHandler(deps, "ListClusters", async () => ({
      clusters: await listClusterInfos(deps),
    })),

    deleteAgent: adminHandler(
      deps,
      "DeleteAgent",
      async (call, admin) => {
        const { agentId } = call.request;
        if (!(await store.agents.revoke(agentId, clock.now()))) {
          throw refuse.notFound(`there is no agent ${agentId} that is not revoked already`);
        }
        const cut = registry.disconnect(agentId, `revoked by ${admin}`);
        await announce(store, log, { kind: "agents", revoked: [agentId] });
        log.info({ agentId, admin, tunnelCut: cut }, "agent revoked");
        return {};
      },
      (request) => ({ verb: "delete", resource: "agents", name: request.agentId }),
    ),

    pingAgent: adminHandler(deps, "PingAgent", async (call) => {
      const agent = registry.get(call.request.agentId);
      if (!agent) {
        throw new Refusal(
          status.UNAVAILABLE,
          RefusalReason.NotFound,
          `agent ${call.request.agentId} has no tunnel to this hub (see warrenctl clusters ls)`,
        );
      }
      const started = performance.now();
      await agent.tunnel.grpc.unary(
        AgentServiceService.ping,
        { payload: Buffer.alloc(0) },
        { timeoutMs: PING_TIMEOUT_MS },
      );
      return { roundTripMs: performance.now() - started };
    }),
  };
}
