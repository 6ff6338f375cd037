import { status, type ServerDuplexStream, type ServerWritableStream } from "@grpc/grpc-js";
import { errorFields, type Logger } from "@warren/log";
import type {
  AgentServiceServer,
  DownloadRequest,
  DownloadResponse,
  EchoRequest,
  EchoResponse,
  WatchHeartbeatsRequest,
  WatchHeartbeatsResponse,
  HubReplica,
} from "@warren/proto";

import { ProxyExchange } from "../proxy/proxy-exchange.js";
import type { AgentMetrics } from "../diagnostics/agent-metrics.js";
import type { HealthMonitor } from "../health/health-monitor.js";
import type { UpstreamClient } from "../proxy/upstream-request.js";
import { writeFlowControlled } from "./flow-controlled-write.js";

const DEFAULT_DOWNLOAD_CHUNK_BYTES = 64 * 1024;
const MAX_DOWNLOAD_CHUNK_BYTES = 1024 * 1024;
const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

export interface AgentServiceDeps {
  agentVersion: string;
  logger: Logger;
  /** The cluster's API server; undefined when the agent has no cluster to reach. */
  upstream: UpstreamClient | undefined;
  /** The cluster's health, checked as the agent; undefined with no cluster to reach. */
  health: HealthMonitor | undefined;
  metrics?: AgentMetrics;
  /** The hub's live replicas, as a replica reports them. */
  onHubReplicas?: (replicas: readonly HubReplica[]) => void;
}

async function download(
  call: ServerWritableStream<DownloadRequest, DownloadResponse>,
): Promise<void> {
  const size = Math.min(
    call.request.chunkBytes || DEFAULT_DOWNLOAD_CHUNK_BYTES,
    MAX_DOWNLOAD_CHUNK_BYTES,
  );
  const chunk = Buffer.alloc(size, 0x5a);
  let left = call.request.bytes;
  while (left > 0 && !call.cancelled) {
    const data = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= data.length;
    await writeFlowControlled(call, { data });
  }
  call.end();
}

function echo(call: ServerDuplexStream<EchoRequest, EchoResponse>): void {
  call.on("data", (request: EchoRequest) => {
    if (!call.write({ payload: request.payload })) {
      call.pause();
      call.once("drain", () => call.resume());
    }
  });
  call.on("end", () => call.end());
}

type HeartbeatCall = ServerWritableStream<WatchHeartbeatsRequest, WatchHeartbeatsResponse>;

function heartbeats(call: HeartbeatCall, deps: AgentServiceDeps, open: Set<HeartbeatCall>): void {
  const beat = () => {
    call.write({
      heartbeat: {
        health: deps.health?.health,
        agentVersion: deps.agentVersion,
        sentAtUnixMs: Date.now(),
      },
    });
  };
  beat();
  const timer = setInterval(beat, call.request.intervalMs || DEFAULT_HEARTBEAT_INTERVAL_MS);
  const unsubscribe = deps.health?.onChange(beat);
  open.add(call);
  const stop = () => {
    clearInterval(timer);
    unsubscribe?.();
    open.delete(call);
  };
  call.once("cancelled", stop);
  call.once("close", stop);
  call.once("error", stop);
}

const NO_CLUSTER =
  "this agent has no Kubernetes API server to reach (run it in a pod, or give --kubeconfig)";

export interface AgentService {
  implementation: AgentServiceServer;
  /**
   * Ends the streams that never end by themselves (heartbeats), so a graceful shutdown waits
   * only for real work.
   */
  endStandingStreams(): void;
}

/** What the agent serves to the hub through its tunnel. */
export function createAgentService(deps: AgentServiceDeps): AgentService {
  const heartbeatCalls = new Set<HeartbeatCall>();
  const implementation: AgentServiceServer = {
    ping: (call, callback) => {
      callback(null, { payload: call.request.payload });
    },
    echo,
    download: (call) => {
      download(call).catch((error: unknown) => {
        deps.logger.warn(errorFields(error), "a download for the hub failed");
        call.destroy(error as Error);
      });
    },
    watchHeartbeats: (call) => {
      heartbeats(call, deps, heartbeatCalls);
    },
    setHubReplicas: (call, callback) => {
      deps.onHubReplicas?.(call.request.replicas);
      callback(null, {});
    },
    checkHealth: (_call, callback) => {
      if (!deps.health) {
        callback({ code: status.FAILED_PRECONDITION, details: NO_CLUSTER });
        return;
      }
      deps.health.checkNow().then(
        (health) => {
          callback(null, { health });
        },
        (error: unknown) => {
          callback({ code: status.INTERNAL, details: (error as Error).message });
        },
      );
    },
    proxy: (call) => {
      if (deps.upstream) {
        new ProxyExchange(call, deps.upstream, deps.logger.child("proxy"), deps.metrics);
        return;
      }
      call.emit("error", { code: status.FAILED_PRECONDITION, details: NO_CLUSTER });
    },
  };
  return {
    implementation,
    endStandingStreams: () => {
      for (const call of heartbeatCalls) call.end();
      heartbeatCalls.clear();
    },
  };
}
