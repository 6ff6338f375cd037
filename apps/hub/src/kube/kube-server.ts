import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";

import type { HostPort } from "@warren/config";
import { forwardableHeaders, headerLines, kubeStatus } from "@warren/kube";
import { errorFields, type Logger } from "@warren/log";

import type { ServerIdentity } from "../ca/server-identity.js";
import { HubError, HubErrorCode } from "../errors.js";
import {
  admitKubeRequest,
  type KubeAdmissionDeps,
  type KubeRequestContext,
} from "./kube-admission.js";
import { recordKubeRequest, type KubeAuditDeps } from "./kube-audit.js";
import { KubeRefusal } from "./kube-refusal.js";
import { relayHttp } from "./http-relay.js";
import { refuseUpgrade, relayUpgrade } from "./upgrade-relay.js";

export interface KubeServerOptions extends KubeAdmissionDeps, KubeAuditDeps {
  /** Client certificates are requested for this CA (verified per connection by Warren). */
  caPem: string;
  listen: HostPort;
  identity: ServerIdentity;
  logger: Logger;
}

export interface KubeServer {
  port: number;
  /** Stops accepting; open requests (watches, exec) get graceMs, then are cut. */
  close(graceMs: number): Promise<void>;
}

interface Outcome {
  status: number;
  reason: string;
}

/** A hub refusal as an answer; anything else is a bug, logged, and a bare 500. */
function refusalOf(error: unknown, logger: Logger): { code: number; message: string } {
  if (error instanceof KubeRefusal) return { code: error.httpStatus, message: error.message };
  logger.error(errorFields(error), "unexpected error handling a kube request");
  return { code: 500, message: "internal error in warren-hub; see its log" };
}

function handler(options: KubeServerOptions) {
  const { logger } = options;
  const audited = async (
    req: IncomingMessage,
    relay: (context: KubeRequestContext, requestId: string) => Promise<Outcome>,
  ) => {
    const startedAt = options.clock.now();
    const started = performance.now();
    const requestId = randomUUID();
    const context: KubeRequestContext = {
      user: "",
      cluster: "",
      path: "",
      kubernetesUser: "",
      kubernetesGroups: [],
    };
    options.metrics?.kubeStreams.inc();
    const outcome = await relay(context, requestId).finally(() => {
      options.metrics?.kubeStreams.dec();
    });
    recordKubeRequest(options, context, {
      requestId,
      method: req.method ?? "GET",
      startedAt,
      durationMs: performance.now() - started,
      ...outcome,
    });
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const lines = headerLines(req.rawHeaders);
    void audited(req, async (context, requestId) => {
      try {
        const admitted = await admitKubeRequest(
          options,
          req.socket as TLSSocket,
          req.url ?? "/",
          lines,
          context,
        );
        return {
          status: await relayHttp(admitted, requestId, req, res, forwardableHeaders(lines, false)),
          reason: "",
        };
      } catch (error) {
        const { code, message } = refusalOf(error, logger);
        if (!res.headersSent) {
          res
            .writeHead(code, { "content-type": "application/json" })
            .end(JSON.stringify(kubeStatus(code, message)));
        } else {
          res.destroy();
        }
        return { status: code, reason: message };
      }
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const lines = headerLines(req.rawHeaders);
    socket.on("error", () => {
      // The client went away; the relay sees the close.
    });
    void audited(req, async (context, requestId) => {
      try {
        const admitted = await admitKubeRequest(
          options,
          socket as TLSSocket,
          req.url ?? "/",
          lines,
          context,
        );
        return {
          status: await relayUpgrade(
            admitted,
            requestId,
            req,
            socket,
            head,
            forwardableHeaders(lines, true),
          ),
          reason: "",
        };
      } catch (error) {
        const { code, message } = refusalOf(error, logger);
        refuseUpgrade(socket, code, message);
        return { status: code, reason: message };
      }
    });
  };
  return { onRequest, onUpgrade };
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
  });
  const { onRequest, onUpgrade } = handler(options);
  server.on("request", onRequest);
  server.on("upgrade", onUpgrade);
  // Watches and exec sessions live long; the hub's keepalives and the client decide.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause: Error) => {
      reject(
        new HubError(
          HubErrorCode.Listen,
          `cannot listen for kubectl on ${options.listen.host}:${options.listen.port}: ${cause.message}`,
          { cause },
        ),
      );
    });
    server.listen(options.listen.port, options.listen.host, resolve);
  });
  const sockets = new Set<Duplex>();
  server.on("connection", (socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return {
    port: (server.address() as AddressInfo).port,
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
    },
  };
}
