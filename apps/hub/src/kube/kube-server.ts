import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

import type { HostPort } from "@warren/config";
import { errorFields, type Logger } from "@warren/log";

import type { ServerIdentity } from "../ca/server-identity.js";
import { HubError, HubErrorCode } from "../errors.js";
import type { KubeExchange } from "./kube-exchange.js";
import { handleKubeRequest, type KubeHandlerDeps } from "./kube-request-handler.js";
import type { SniCallback } from "./server-name-contexts.js";

export interface KubeServerOptions extends KubeHandlerDeps {
  /** Client certificates are requested naming these CAs (verified per connection by Warren). */
  caPem: string;
  listen: HostPort;
  identity: ServerIdentity;
  logger: Logger;
  /** A TLS handshake not done in this long is dropped: an idle one holds memory for nothing. */
  handshakeTimeoutMs: number;
  /** Certificates for server names the serving one does not cover (clusters with dots). */
  sniCallback?: SniCallback;
}

export interface KubeServer {
  port: number;
  /** Stops accepting; open requests (watches, exec) get graceMs, then are cut. */
  close(graceMs: number): Promise<void>;
  /** New connections are served with `identity` and asked for certificates of `caPem`. */
  setIdentity(identity: ServerIdentity, caPem: string): void;
}

async function listen(server: Server, at: HostPort): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause: Error) => {
      reject(
        new HubError(
          HubErrorCode.Listen,
          `cannot listen for kubectl on ${at.host}:${at.port}: ${cause.message}`,
          { cause },
        ),
      );
    });
    server.listen(at.port, at.host, resolve);
  });
}

/**
 * The kube endpoint kubectl talks to: HTTPS with client certificates from the hub's CA. The
 * TLS layer asks for a certificate but accepts any, so a missing, expired or foreign one gets
 * a 401 that says why instead of a bare handshake failure.
 */
export async function startKubeServer(options: KubeServerOptions): Promise<KubeServer> {
  const server: Server = createServer({
    cert: options.identity.certificateChainPem,
    key: options.identity.privateKeyPem,
    ca: options.caPem,
    requestCert: true,
    rejectUnauthorized: false,
    handshakeTimeout: options.handshakeTimeoutMs,
    ...(options.sniCallback ? { SNICallback: options.sniCallback } : {}),
  });
  const handle = (exchange: KubeExchange) => {
    handleKubeRequest(options, exchange).catch((error: unknown) => {
      options.logger.error(errorFields(error), "unexpected error handling a kube request");
    });
  };
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle({ kind: "http", req, res });
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {
      // The client went away; the relay sees the close.
    });
    handle({ kind: "upgrade", req, socket, head });
  });
  // Watches and exec sessions live long; the hub's keepalives and the client decide.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  await listen(server, options.listen);
  const sockets = new Set<Duplex>();
  server.on("connection", (socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return {
    port: (server.address() as AddressInfo).port,
    setIdentity: (identity, caPem) => {
      server.setSecureContext({
        cert: identity.certificateChainPem,
        key: identity.privateKeyPem,
        ca: caPem,
      });
    },
    close: async (graceMs) => {
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      await closed;
      clearTimeout(timer);
      options.unauthenticated.close();
    },
  };
}
