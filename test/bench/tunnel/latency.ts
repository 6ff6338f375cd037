import { AgentServiceService, type EchoRequest, type EchoResponse } from "@warren/proto";
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { Http2GrpcClient } from "@warren/tunnel";

import { defaultWarmup, ratio, timeEach, type LatencyStats } from "../stats.js";
import type { TunnelRig } from "./tunnel-rig.js";

const PAYLOAD = Buffer.alloc(32, 1);

/** Round trips of one small message on one long-lived Echo stream of the hub's client. */
async function streamRoundTrips(
  client: Http2GrpcClient,
  iterations: number,
): Promise<LatencyStats> {
  const call = client.call(AgentServiceService.echo);
  const responses = call[Symbol.asyncIterator]();
  const stats = await timeEach(async () => {
    await call.write({ payload: PAYLOAD });
    await responses.next();
  }, iterations);
  call.end();
  return stats;
}

/** The same on a grpc-js bidi stream. */
async function grpcJsStreamRoundTrips(rig: TunnelRig, iterations: number): Promise<LatencyStats> {
  const call: ClientDuplexStream<EchoRequest, EchoResponse> = rig.directGrpcJs.echo();
  let resolveNext: (() => void) | undefined;
  call.on("data", () => resolveNext?.());
  const stats = await timeEach(
    () =>
      new Promise<void>((resolve) => {
        resolveNext = resolve;
        call.write({ payload: PAYLOAD });
      }),
    iterations,
  );
  call.end();
  return stats;
}

function unaryRoundTrips(client: Http2GrpcClient, iterations: number): Promise<LatencyStats> {
  return timeEach(() => client.unary(AgentServiceService.ping, { payload: PAYLOAD }), iterations);
}

/** `measure` (timeEach's calls), and this process's CPU per call over it, warm-up included. */
async function withCpu<T>(
  iterations: number,
  measure: () => Promise<T>,
): Promise<{ result: T; cpuUsPerCall: number }> {
  const before = process.cpuUsage();
  const result = await measure();
  const used = process.cpuUsage(before);
  const calls = iterations + defaultWarmup(iterations);
  return { result, cpuUsPerCall: Math.round((used.user + used.system) / calls) };
}

export interface LatencyReport {
  description: string;
  throughTunnel: { stream: LatencyStats; unary: LatencyStats };
  directLoopback: {
    sameClient: { stream: LatencyStats; unary: LatencyStats };
    grpcJs: { stream: LatencyStats };
    /** node:http2 with no gRPC layer on either side: a new stream per call, or one kept open. */
    plainNodeHttp2: { newStreamPerCall: LatencyStats; openStream: LatencyStats };
  };
  /**
   * The calling side's CPU per call over loopback (this process, which also holds an idle hub):
   * what a new HTTP/2 stream costs node by itself, and what the tunnel's gRPC client adds.
   */
  clientCpuUsPerCall: {
    plainNewStream: number;
    plainOpenStream: number;
    oursUnary: number;
    oursStream: number;
  };
  addedP50Ms: { vsSameClient: number; vsGrpcJs: number };
  targetAddedP50Ms: number;
}

export async function measureLatency(rig: TunnelRig, iterations: number): Promise<LatencyReport> {
  const tunnelStream = await streamRoundTrips(rig.tunnel, iterations);
  const directStream = await withCpu(iterations, () =>
    streamRoundTrips(rig.directHttp2, iterations),
  );
  const grpcJsStream = await grpcJsStreamRoundTrips(rig, iterations);
  const tunnelUnary = await unaryRoundTrips(rig.tunnel, iterations);
  const directUnary = await withCpu(iterations, () => unaryRoundTrips(rig.directHttp2, iterations));
  const plainNew = await withCpu(iterations, () => timeEach(rig.plainHttp2.call, iterations));
  const plainOpen = await withCpu(iterations, () => timeEach(rig.plainHttp2.roundTrip, iterations));
  return {
    description: "round trip of a 32-byte message on one Echo stream, hub to agent",
    throughTunnel: { stream: tunnelStream, unary: tunnelUnary },
    directLoopback: {
      sameClient: { stream: directStream.result, unary: directUnary.result },
      grpcJs: { stream: grpcJsStream },
      plainNodeHttp2: { newStreamPerCall: plainNew.result, openStream: plainOpen.result },
    },
    clientCpuUsPerCall: {
      plainNewStream: plainNew.cpuUsPerCall,
      plainOpenStream: plainOpen.cpuUsPerCall,
      oursUnary: directUnary.cpuUsPerCall,
      oursStream: directStream.cpuUsPerCall,
    },
    addedP50Ms: {
      vsSameClient: ratio(tunnelStream.p50Ms - directStream.result.p50Ms, 1),
      vsGrpcJs: ratio(tunnelStream.p50Ms - grpcJsStream.p50Ms, 1),
    },
    targetAddedP50Ms: 0.3,
  };
}
