import { constants, type ClientHttp2Stream, type IncomingHttpHeaders } from "node:http2";

import { status } from "@grpc/grpc-js";

import { TunnelError, TunnelErrorCode } from "../errors.js";
import { writeDrained } from "../drained.js";
import { frameMessage, MessageDeframer } from "./grpc-framing.js";
import { MessageQueue } from "./message-queue.js";

/** How a method's messages become bytes: what grpc-js service definitions carry. */
export interface GrpcMethod<Request, Response> {
  path: string;
  requestSerialize(value: Request): Buffer;
  responseDeserialize(bytes: Buffer): Response;
}

/** Responses read ahead of the consumer before the stream stops reading (and so stops the sender). */
const READ_AHEAD_MESSAGES = 8;

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function metadataOf(headers: IncomingHttpHeaders): Record<string, string> {
  const entries = Object.entries(headers).filter(([name]) => !name.startsWith(":"));
  return Object.fromEntries(
    entries.map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : String(value)]),
  );
}

const GRPC_STATUSES = new Map<number, status>(
  Object.values(status)
    .filter((value): value is status => typeof value === "number")
    .map((value) => [value, value]),
);

/** The call's end as gRPC reports it in trailers (or in headers, for trailers-only answers). */
function statusError(headers: IncomingHttpHeaders): TunnelError | undefined {
  const code = Number(headerValue(headers, "grpc-status") ?? Number.NaN);
  const grpcStatus = GRPC_STATUSES.get(code) ?? status.UNKNOWN;
  if (grpcStatus === status.OK) return undefined;
  const message = decodeURIComponent(headerValue(headers, "grpc-message") ?? "");
  return new TunnelError(
    TunnelErrorCode.CallFailed,
    message || status[grpcStatus],
    grpcStatus,
    metadataOf(headers),
  );
}

/**
 * One gRPC call on an HTTP/2 stream: responses as an async iterator with backpressure (an
 * unread call stops reading its stream, and HTTP/2 flow control stops its sender alone), and
 * requests written with the stream's own backpressure.
 */
export class GrpcCall<Request, Response> implements AsyncIterable<Response> {
  readonly responses: MessageQueue<Response>;
  private readonly deframer = new MessageDeframer();
  private ended: TunnelError | undefined;
  private statusSeen = false;

  constructor(
    private readonly stream: ClientHttp2Stream,
    private readonly method: GrpcMethod<Request, Response>,
  ) {
    this.responses = new MessageQueue<Response>(READ_AHEAD_MESSAGES, () => {
      if (stream.isPaused()) stream.resume();
    });
    stream.on("response", (headers) => {
      if (headerValue(headers, "grpc-status") === undefined) return;
      this.statusSeen = true;
      this.ended = statusError(headers);
    });
    stream.on("trailers", (trailers: IncomingHttpHeaders) => {
      this.statusSeen = true;
      this.ended = statusError(trailers);
    });
    stream.on("data", (chunk: Buffer) => {
      this.onData(chunk);
    });
    // The server's trailers end the responses even while our side still sends: a caller that
    // waits for the answer before ending its requests (a refused upgrade) must not deadlock.
    stream.on("end", () => {
      if (this.statusSeen) this.responses.end(this.ended);
    });
    stream.on("close", () => {
      this.onClose();
    });
    stream.on("error", () => {
      // Reported through 'close' and the stream's rstCode.
    });
  }

  private onData(chunk: Buffer): void {
    try {
      for (const message of this.deframer.push(chunk))
        this.responses.push(this.method.responseDeserialize(message));
    } catch (error) {
      this.ended =
        error instanceof TunnelError
          ? error
          : new TunnelError(TunnelErrorCode.Protocol, (error as Error).message);
      this.cancel();
      return;
    }
    if (this.responses.full) this.stream.pause();
  }

  private onClose(): void {
    if (this.ended === undefined && !this.statusSeen) {
      const code = this.stream.rstCode;
      const cancelled = code === constants.NGHTTP2_CANCEL;
      this.ended = new TunnelError(
        TunnelErrorCode.CallFailed,
        cancelled ? "call cancelled" : `the tunnel closed the call (HTTP/2 code ${String(code)})`,
        cancelled ? status.CANCELLED : status.UNAVAILABLE,
      );
    }
    this.responses.end(this.ended);
  }

  /** Sends one request, waiting while the stream's send window is full. */
  async write(request: Request): Promise<void> {
    await writeDrained(this.stream, frameMessage(this.method.requestSerialize(request)));
  }

  /** No more requests (gRPC half-close). */
  end(): void {
    this.stream.end();
  }

  /** Ends the call from this side; it fails with `grpcStatus` (CANCELLED unless said otherwise). */
  cancel(grpcStatus: status = status.CANCELLED, message = "call cancelled"): void {
    this.ended ??= new TunnelError(TunnelErrorCode.CallFailed, message, grpcStatus);
    if (!this.stream.closed) this.stream.close(constants.NGHTTP2_CANCEL);
  }

  [Symbol.asyncIterator](): AsyncIterator<Response> {
    return this.responses;
  }
}
