import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { HostPort } from "@warren/config";
import type { Registry } from "prom-client";

import { HubError, HubErrorCode } from "../errors.js";

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Whether this replica should get traffic, and why not. */
export type Readiness = () => Promise<{ ready: boolean; reason: string }>;

/**
 * Plain HTTP: /metrics for Prometheus, /healthz (the process runs) and /readyz (the store is
 * reachable and the listeners serve) for probes; nothing secret is served.
 */
export async function startMetricsServer(
  listen: HostPort,
  registry: Registry,
  readiness: Readiness,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(`${(error as Error).message}\n`),
      );
    } else if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } else if (path === "/readyz") {
      void readiness().then(({ ready, reason }) =>
        res.writeHead(ready ? 200 : 503, { "content-type": "text/plain" }).end(`${reason}\n`),
      );
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause: Error) => {
      reject(
        new HubError(
          HubErrorCode.Listen,
          `cannot serve metrics on ${listen.host}:${String(listen.port)}: ${cause.message}`,
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
