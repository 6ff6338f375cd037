import type { Duplex } from "node:stream";

import { Server, ServerCredentials } from "@grpc/grpc-js";
import { AgentServiceService } from "@warren/proto";

import { createAgentService, type AgentServiceDeps } from "./agent-service.js";

export interface AgentGrpcServer {
  /** Serves gRPC on a channel the hub opened through the tunnel. */
  serve(channel: Duplex): void;
  /** Takes no new calls (the hub is told, with GOAWAY); running ones get graceMs to end. */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * grpc-js serving the agent's service over connections injected from the tunnel. No TLS here:
 * the SSH tunnel already authenticates and encrypts both ends.
 */
export function createAgentGrpcServer(deps: AgentServiceDeps): AgentGrpcServer {
  const server = new Server();
  const service = createAgentService(deps);
  server.addService(AgentServiceService, service.implementation);
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  return {
    serve: (channel) => {
      injector.injectConnection(channel);
    },
    shutdown: (graceMs) =>
      new Promise((resolve) => {
        service.endStandingStreams();
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
