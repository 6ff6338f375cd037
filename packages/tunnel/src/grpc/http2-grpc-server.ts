import { once } from "node:events";
import {
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

import { status } from "@grpc/grpc-js";

import {
  DEFAULT_CONNECTION_WINDOW_BYTES,
  DEFAULT_STREAM_WINDOW_BYTES,
  tunnelSettings,
} from "./http2-settings.js";
import { ServerCall, type GrpcServerMethod } from "./server-call.js";

/** A handler owns its call: it writes responses and ends it (a throw ends it as INTERNAL). */
export type GrpcHandler<Request, Response> = (
  call: ServerCall<Request, Response>,
) => void | Promise<void>;

interface Route {
  method: GrpcServerMethod<unknown, unknown>;
  handler: GrpcHandler<unknown, unknown>;
}

export interface Http2GrpcServerOptions {
  /** Receive window of each call, in bytes. Default 1 MiB, as the client's. */
  streamWindowBytes?: number;
  /** What a handler's unexpected failure is reported to; the call ends as INTERNAL. */
  onHandlerError?: (error: unknown, path: string) => void;
}

/**
 * The gRPC server side of the tunnel, on node:http2 directly: the counterpart of
 * Http2GrpcClient. It serves connections handed to it (SSH channels) or a loopback port, and
 * writes each call's frames as the handler produces them, without a queue per message.
 */
export class Http2GrpcServer {
  private readonly routes = new Map<string, Route>();
  private readonly server: Http2Server;
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly calls = new Set<ServerCall<unknown, unknown>>();
  private draining = false;

  constructor(private readonly options: Http2GrpcServerOptions = {}) {
    this.server = createServer({
      settings: tunnelSettings(options.streamWindowBytes ?? DEFAULT_STREAM_WINDOW_BYTES),
      maxSessionMemory: Math.ceil((2 * DEFAULT_CONNECTION_WINDOW_BYTES) / (1024 * 1024)),
    });
    this.server.on("session", (session: ServerHttp2Session) => {
      this.sessions.add(session);
      session.setLocalWindowSize(DEFAULT_CONNECTION_WINDOW_BYTES);
      session.on("error", () => {
        // Followed by 'close'; the calls on it are aborted by their streams.
      });
      session.once("close", () => this.sessions.delete(session));
      if (this.draining) session.close();
    });
    this.server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      this.dispatch(stream, headers);
    });
  }

  /** Serves `method` with `handler`. */
  add<Request, Response>(
    method: GrpcServerMethod<Request, Response>,
    handler: GrpcHandler<Request, Response>,
  ): this {
    this.routes.set(method.path, {
      method,
      handler: handler as GrpcHandler<unknown, unknown>,
    });
    return this;
  }

  /** Serves gRPC on a connection opened elsewhere (an SSH channel from the hub). */
  serve(transport: Duplex): void {
    this.server.emit("connection", transport);
  }

  /** Serves on a TCP port too (h2c, no TLS): the bench's baseline without a tunnel. */
  async listen(host: string, port: number): Promise<number> {
    this.server.listen(port, host);
    await once(this.server, "listening");
    return (this.server.address() as AddressInfo).port;
  }

  /** Calls in flight. */
  get activeCalls(): number {
    return this.calls.size;
  }

  private dispatch(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const path = headers[":path"] ?? "";
    const route = this.routes.get(path);
    if (!route) {
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc+proto",
          "grpc-status": String(status.UNIMPLEMENTED),
          "grpc-message": encodeURIComponent(`unknown method ${path}`),
        },
        { endStream: true },
      );
      return;
    }
    const call = new ServerCall(stream, headers, route.method);
    this.calls.add(call);
    stream.once("close", () => this.calls.delete(call));
    const failed = (error: unknown) => {
      this.options.onHandlerError?.(error, path);
      call.end(status.INTERNAL, error instanceof Error ? error.message : String(error));
    };
    try {
      const running = route.handler(call);
      if (running) running.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  /**
   * Takes no new calls (each connection gets GOAWAY) and waits up to graceMs for running ones,
   * then cuts what is left.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.draining = true;
    if (this.server.listening) this.server.close();
    const closed = [...this.sessions].map(
      (session) =>
        new Promise<void>((resolve) => {
          session.close(resolve);
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(closed), grace]);
    clearTimeout(timer);
    for (const session of this.sessions) session.destroy();
  }
}
