import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { HostPort } from "@warren/config";
import type { Registry } from "prom-client";

import { AgentError, AgentErrorCode } from "../errors.js";

/** Whether the agent can serve the hub now, and if not, why. */
export interface Readiness {
  ready: boolean;
  reason: string;
}

export interface DiagnosticsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Plain HTTP for the kubelet's probes: /healthz answers while the process runs, /readyz only
 * while the agent has an identity, a tunnel to the hub and a healthy cluster (503 with the
 * reason otherwise); and /metrics for Prometheus.
 */
export async function startDiagnosticsServer(
  listen: HostPort,
  readiness: () => Readiness,
  metrics: Registry,
): Promise<DiagnosticsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } else if (path === "/readyz") {
      const { ready, reason } = readiness();
      res.writeHead(ready ? 200 : 503, { "content-type": "text/plain" }).end(`${reason}\n`);
    } else if (path === "/metrics") {
      metrics.metrics().then(
        (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(`${(error as Error).message}\n`),
      );
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause: Error) => {
      reject(
        new AgentError(
          AgentErrorCode.Listen,
          `cannot serve diagnostics on ${listen.host}:${String(listen.port)}: ${cause.message}`,
          { cause },
        ),
      );
    });
    server.listen(listen.port, listen.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
