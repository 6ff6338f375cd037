import { status, type handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type { Logger } from "@warren/log";
import {
  AgentServiceService,
  type AgentInfo,
  type ClusterInfo,
  type DeleteAgentRequest,
  type DeleteAgentResponse,
  type ListClustersRequest,
  type ListClustersResponse,
  type PingAgentRequest,
  type PingAgentResponse,
} from "@warren/proto";
import type { AgentRecord, HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import { refuse, Refusal } from "../errors.js";
import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import type { AgentRegistry, ConnectedAgent } from "../tunnel/agent-registry.js";

const PING_TIMEOUT_MS = 10_000;

export interface ClusterAdminDeps {
  store: HubStore;
  registry: AgentRegistry;
  authenticator: PeerAuthenticator;
  clock: Clock;
  logger: Logger;
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
  };
}

/** Every cluster with an agent that is not revoked; connected agents first. */
export function clusters(records: readonly AgentRecord[], registry: AgentRegistry): ClusterInfo[] {
  const byName = new Map<string, ClusterInfo>();
  for (const record of records.filter((r) => !r.revokedAt)) {
    const cluster = byName.get(record.clusterName) ?? {
      name: record.clusterName,
      labels: record.labels,
      agents: [],
      health: undefined,
    };
    const connected = registry.get(record.id);
    cluster.agents.push(agentInfo(record, connected));
    if (connected?.health) cluster.health = connected.health;
    byName.set(record.clusterName, cluster);
  }
  for (const cluster of byName.values())
    cluster.agents.sort((a, b) => Number(b.connected) - Number(a.connected));
  return [...byName.values()];
}

export interface ClusterAdmin {
  listClusters: handleUnaryCall<ListClustersRequest, ListClustersResponse>;
  deleteAgent: handleUnaryCall<DeleteAgentRequest, DeleteAgentResponse>;
  pingAgent: handleUnaryCall<PingAgentRequest, PingAgentResponse>;
}

export function clusterAdmin(deps: ClusterAdminDeps): ClusterAdmin {
  const { store, registry, authenticator, clock, logger: log } = deps;
  return {
    listClusters: unaryHandler(log, "ListClusters", async (call) => {
      authenticator.admin(call);
      return { clusters: clusters(await store.agents.list(), registry) };
    }),

    deleteAgent: unaryHandler(log, "DeleteAgent", async (call) => {
      const admin = authenticator.admin(call);
      const { agentId } = call.request;
      if (!(await store.agents.revoke(agentId, clock.now()))) {
        throw refuse.notFound(`there is no agent ${agentId} that is not revoked already`);
      }
      const cut = registry.disconnect(agentId, `revoked by ${admin}`);
      log.info({ agentId, admin, tunnelCut: cut }, "agent revoked");
      return {};
    }),

    pingAgent: unaryHandler(log, "PingAgent", async (call) => {
      authenticator.admin(call);
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
