import type { Duplex } from "node:stream";

import { status } from "@grpc/grpc-js";
import { errorFields, type Logger } from "@warren/log";
import {
  AgentServiceService,
  proxyMethod,
  type AgentPlacement,
  type HubReplica,
  type SetCertificateAuthoritiesRequest,
  type SetCertificateAuthoritiesResponse,
  type WatchHeartbeatsRequest,
  type WatchHeartbeatsResponse,
} from "@warren/proto";
import { Http2GrpcServer, type ServerCall } from "@warren/tunnel";

import type { AgentMetrics } from "../diagnostics/agent-metrics.js";
import type { HealthMonitor } from "../health/health-monitor.js";
import { ProxyExchange } from "../proxy/proxy-exchange.js";
import type { UpstreamClient } from "../proxy/upstream-request.js";
import { serveBenchRpcs } from "./bench-rpcs.js";

const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

export interface AgentServiceDeps {
  agentVersion: string;
  /** Where the agent runs, told with every heartbeat. */
  placement?: AgentPlacement;
  /** The labels it is configured with, told with every heartbeat (see followAgentLabels). */
  labels?: Record<string, string>;
  logger: Logger;
  /** The cluster's API server; undefined when the agent has no cluster to reach. */
  upstream: UpstreamClient | undefined;
  /** The cluster's health, checked as the agent; undefined with no cluster to reach. */
  health: HealthMonitor | undefined;
  metrics?: AgentMetrics;
  /** The hub's live replicas, as a replica reports them. */
  onHubReplicas?: (replicas: readonly HubReplica[]) => void;
  /** The hub's CAs, as a replica tells them: follows a CA rotation and says where it stands. */
  onCertificateAuthorities?: (
    update: SetCertificateAuthoritiesRequest,
  ) => Promise<SetCertificateAuthoritiesResponse>;
  /** Serve Echo and Download, the tunnel benchmark's calls. */
  benchRpcs?: boolean;
}

type HeartbeatCall = ServerCall<WatchHeartbeatsRequest, WatchHeartbeatsResponse>;

async function firstRequest<Request>(call: ServerCall<Request, unknown>): Promise<Request> {
  const first = await call.requests.next();
  if (first.done) throw new Error("the call carried no request");
  return first.value;
}

/** Heartbeats until the call ends, or until `stops` is run (the agent is stopping). */
async function heartbeats(
  call: HeartbeatCall,
  deps: AgentServiceDeps,
  stops: Map<HeartbeatCall, () => void>,
): Promise<void> {
  const request = await firstRequest(call);
  const beat = () => {
    void call.write({
      heartbeat: {
        health: deps.health?.health,
        agentVersion: deps.agentVersion,
        sentAtUnixMs: Date.now(),
        placement: deps.placement,
        labels: deps.labels ?? {},
        detectedLabels: deps.health?.detectedLabels ?? {},
      },
    });
  };
  beat();
  const timer = setInterval(beat, request.intervalMs || DEFAULT_HEARTBEAT_INTERVAL_MS);
  const unsubscribe = deps.health?.onChange(beat);
  const stop = () => {
    clearInterval(timer);
    unsubscribe?.();
    stops.delete(call);
    call.signal.removeEventListener("abort", stop);
  };
  stops.set(call, stop);
  call.signal.addEventListener("abort", stop, { once: true });
}

const NO_CLUSTER =
  "this agent has no Kubernetes API server to reach (run it in a pod, or give --kubeconfig)";

export interface AgentGrpcServer {
  /** Serves gRPC on a channel the hub opened through the tunnel. */
  serve(channel: Duplex): void;
  /** Serves on a loopback port too: the tunnel bench's baseline. */
  listen(host: string, port: number): Promise<number>;
  /** Takes no new calls (the hub is told, with GOAWAY); running ones get graceMs to end. */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * What the agent serves to the hub through its tunnel. No TLS here: the SSH tunnel already
 * authenticates and encrypts both ends.
 */
export function createAgentGrpcServer(deps: AgentServiceDeps): AgentGrpcServer {
  const server = new Http2GrpcServer({
    onHandlerError: (error, path) => {
      deps.logger.warn({ ...errorFields(error), path }, "a call from the hub failed");
    },
  });
  const heartbeatStops = new Map<HeartbeatCall, () => void>();
  if (deps.benchRpcs) serveBenchRpcs(server);
  server
    .add(AgentServiceService.ping, async (call) => {
      const request = await firstRequest(call);
      void call.write({ payload: request.payload });
      call.end();
    })
    .add(AgentServiceService.setHubReplicas, async (call) => {
      deps.onHubReplicas?.((await firstRequest(call)).replicas);
      void call.write({});
      call.end();
    })
    .add(AgentServiceService.setCertificateAuthorities, async (call) => {
      const update = await firstRequest(call);
      if (!deps.onCertificateAuthorities) {
        call.end(status.UNIMPLEMENTED, "this agent does not follow CA rotations");
        return;
      }
      try {
        void call.write(await deps.onCertificateAuthorities(update));
        call.end();
      } catch (error) {
        call.end(status.UNAVAILABLE, `could not follow the hub's CAs: ${(error as Error).message}`);
      }
    })
    .add(AgentServiceService.checkHealth, async (call) => {
      if (!deps.health) {
        call.end(status.FAILED_PRECONDITION, NO_CLUSTER);
        return;
      }
      const health = await deps.health.checkNow();
      void call.write({ health });
      call.end();
    })
    .add(AgentServiceService.watchHeartbeats, (call) => heartbeats(call, deps, heartbeatStops))
    .add(proxyMethod, async (call) => {
      if (!deps.upstream) {
        call.end(status.FAILED_PRECONDITION, NO_CLUSTER);
        return;
      }
      await new ProxyExchange(call, deps.upstream, deps.logger, deps.metrics).run();
    });
  return {
    serve: (channel) => {
      server.serve(channel);
    },
    listen: (host, port) => server.listen(host, port),
    shutdown: async (graceMs) => {
      // Heartbeats never end by themselves: a graceful stop waits only for real work.
      for (const [call, stop] of heartbeatStops) {
        stop();
        call.end();
      }
      await server.shutdown(graceMs);
    },
  };
}
