import { EventEmitter } from "node:events";
import { connect, constants, type ClientHttp2Session } from "node:http2";
import type { Duplex } from "node:stream";

import { status } from "@grpc/grpc-js";

import { TunnelError, TunnelErrorCode } from "../errors.js";
import { GrpcCall, type GrpcMethod } from "./grpc-call.js";
import {
  DEFAULT_CONNECTION_WINDOW_BYTES,
  DEFAULT_STREAM_WINDOW_BYTES,
  tunnelSettings,
} from "./http2-settings.js";

export interface Http2GrpcClientOptions {
  /** Receive window of each call, in bytes. Default 1 MiB. */
  streamWindowBytes?: number;
  /**
   * Receive window of the whole connection, in bytes. Default 64 MiB: far more than the
   * stream windows of calls whose readers stall, so they cannot starve the others.
   */
  connectionWindowBytes?: number;
}

export interface CallOptions {
  /** Deadline from now, in milliseconds; sent as grpc-timeout and enforced here. */
  timeoutMs?: number;
  /** Cancels the call when it aborts; an aborted signal opens no call at all. */
  signal?: AbortSignal;
}

/**
 * A gRPC client over any Duplex (here: an SSH channel). grpc-js has no public way to run a
 * client over a custom transport, so this speaks gRPC's HTTP/2 mapping directly with node:http2.
 * Each call is an HTTP/2 stream with its own flow control.
 *
 * Emits "close" when the connection is gone, "goaway" when the server starts draining, and
 * "idle" when the last call in flight ends.
 */
export class Http2GrpcClient extends EventEmitter {
  private readonly session: ClientHttp2Session;
  private draining = false;
  private inFlight = 0;

  constructor(transport: Duplex, options: Http2GrpcClientOptions = {}) {
    super();
    const connectionWindow = options.connectionWindowBytes ?? DEFAULT_CONNECTION_WINDOW_BYTES;
    this.session = connect("http://warren-agent", {
      createConnection: () => transport,
      settings: tunnelSettings(options.streamWindowBytes ?? DEFAULT_STREAM_WINDOW_BYTES),
      // In megabytes; buffered responses of stalled calls count against it.
      maxSessionMemory: Math.ceil((2 * connectionWindow) / (1024 * 1024)),
    });
    this.session.setLocalWindowSize(connectionWindow);
    this.session.on("goaway", () => {
      this.draining = true;
      this.emit("goaway");
    });
    this.session.on("error", () => {
      // Followed by 'close'; calls fail with UNAVAILABLE.
    });
    this.session.on("close", () => this.emit("close"));
  }

  /** True once the server said it takes no new calls, or the connection is gone. */
  get closing(): boolean {
    return this.draining || this.session.closed || this.session.destroyed;
  }

  /** Calls in flight. */
  get activeCalls(): number {
    return this.inFlight;
  }

  /** Starts a call; write requests and iterate responses on what it returns. */
  call<Request, Response>(
    method: GrpcMethod<Request, Response>,
    options: CallOptions = {},
  ): GrpcCall<Request, Response> {
    options.signal?.throwIfAborted();
    if (this.closing) {
      throw new TunnelError(
        TunnelErrorCode.Closed,
        "the tunnel is closed or draining",
        status.UNAVAILABLE,
      );
    }
    const headers: Record<string, string> = {
      ":method": "POST",
      ":path": method.path,
      "content-type": "application/grpc+proto",
      te: "trailers",
    };
    if (options.timeoutMs !== undefined)
      headers["grpc-timeout"] = `${Math.max(1, Math.ceil(options.timeoutMs))}m`;
    const stream = this.session.request(headers, { endStream: false });
    const call = new GrpcCall(stream, method);
    this.inFlight += 1;
    stream.once("close", () => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.emit("idle");
    });
    const { signal } = options;
    if (signal) {
      const cancel = () => {
        call.cancel();
      };
      signal.addEventListener("abort", cancel, { once: true });
      stream.once("close", () => {
        signal.removeEventListener("abort", cancel);
      });
    }
    if (options.timeoutMs !== undefined) {
      const timer = setTimeout(() => {
        call.cancel(
          status.DEADLINE_EXCEEDED,
          `deadline of ${String(options.timeoutMs)} ms exceeded`,
        );
      }, options.timeoutMs);
      stream.once("close", () => {
        clearTimeout(timer);
      });
    }
    return call;
  }

  async unary<Request, Response>(
    method: GrpcMethod<Request, Response>,
    request: Request,
    options: CallOptions = {},
  ): Promise<Response> {
    const call = this.call(method, options);
    await call.write(request);
    call.end();
    let response: Response | undefined;
    for await (const message of call) response ??= message;
    if (response === undefined) {
      throw new TunnelError(
        TunnelErrorCode.Protocol,
        `${method.path} answered without a message`,
        status.INTERNAL,
      );
    }
    return response;
  }

  /** Resolves once no call is in flight, or after timeoutMs, whichever comes first. */
  idle(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off("idle", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.on("idle", done);
    });
  }

  /** Round trip of an HTTP/2 PING, in milliseconds. */
  ping(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new TunnelError(
            TunnelErrorCode.Closed,
            `no answer to a ping within ${timeoutMs} ms`,
            status.UNAVAILABLE,
          ),
        );
      }, timeoutMs);
      const sent = this.session.ping((error, durationMs) => {
        clearTimeout(timer);
        if (error)
          reject(new TunnelError(TunnelErrorCode.Closed, error.message, status.UNAVAILABLE));
        else resolve(durationMs);
      });
      if (!sent) {
        clearTimeout(timer);
        reject(
          new TunnelError(TunnelErrorCode.Closed, "too many pings in flight", status.UNAVAILABLE),
        );
      }
    });
  }

  /** Stops new calls and closes once running ones end. */
  close(): void {
    this.draining = true;
    this.session.close();
  }

  /** Ends everything now. */
  destroy(): void {
    this.session.destroy(undefined, constants.NGHTTP2_CANCEL);
  }
}
