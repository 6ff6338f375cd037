import { AgentServiceService, type EchoRequest, type EchoResponse } from "@warren/proto";
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { Http2GrpcClient } from "@warren/tunnel";

import { ratio, timeEach, type LatencyStats } from "../stats.js";
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

export interface LatencyReport {
  description: string;
  throughTunnel: { stream: LatencyStats; unary: LatencyStats };
  directLoopback: {
    sameClient: { stream: LatencyStats; unary: LatencyStats };
    grpcJs: { stream: LatencyStats };
  };
  addedP50Ms: { vsSameClient: number; vsGrpcJs: number };
  targetAddedP50Ms: number;
}

export async function measureLatency(rig: TunnelRig, iterations: number): Promise<LatencyReport> {
  const tunnelStream = await streamRoundTrips(rig.tunnel, iterations);
  const directStream = await streamRoundTrips(rig.directHttp2, iterations);
  const grpcJsStream = await grpcJsStreamRoundTrips(rig, iterations);
  const tunnelUnary = await unaryRoundTrips(rig.tunnel, iterations);
  const directUnary = await unaryRoundTrips(rig.directHttp2, iterations);
  return {
    description: "round trip of a 32-byte message on one Echo stream, hub to agent",
    throughTunnel: { stream: tunnelStream, unary: tunnelUnary },
    directLoopback: {
      sameClient: { stream: directStream, unary: directUnary },
      grpcJs: { stream: grpcJsStream },
    },
    addedP50Ms: {
      vsSameClient: ratio(tunnelStream.p50Ms - directStream.p50Ms, 1),
      vsGrpcJs: ratio(tunnelStream.p50Ms - grpcJsStream.p50Ms, 1),
    },
    targetAddedP50Ms: 0.3,
  };
}
