import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";

import { status } from "@grpc/grpc-js";

import { drainedOrClosed, overWriteAhead } from "../drained.js";
import { frameMessage, MessageDeframer } from "./grpc-framing.js";
import { MessageQueue } from "./message-queue.js";

/** How a method's messages become bytes on the serving side (grpc-js definitions carry these). */
export interface GrpcServerMethod<Request, Response> {
  path: string;
  requestDeserialize(bytes: Buffer): Request;
  responseSerialize(value: Response): Buffer;
}

/** Requests read ahead of the handler before the stream stops reading (and so stops the sender). */
const READ_AHEAD_MESSAGES = 8;

/** grpc-timeout: an integer and a unit (RFC: H, M, S, m, u, n), as milliseconds. */
const TIMEOUT_UNITS_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000001,
};

function timeoutMs(headers: IncomingHttpHeaders): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(String(headers["grpc-timeout"] ?? ""));
  if (!match) return undefined;
  return Number(match[1]) * (TIMEOUT_UNITS_MS[match[2] ?? "S"] ?? 1000);
}

/**
 * One call as its handler sees it: requests as an async iterator with backpressure, responses
 * written straight onto the HTTP/2 stream (so a head, a body and the trailers written in one
 * turn leave as one packet), and `signal`, aborted when the caller cancels, the deadline
 * passes or the connection dies: the one cancellation everything below the handler follows.
 */
export class ServerCall<Request, Response> implements AsyncIterable<Request> {
  readonly requests: MessageQueue<Request>;
  private readonly abort = new AbortController();
  private readonly deframer = new MessageDeframer();
  private headersSent = false;
  private finished = false;

  constructor(
    private readonly stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    private readonly method: GrpcServerMethod<Request, Response>,
  ) {
    this.requests = new MessageQueue<Request>(READ_AHEAD_MESSAGES, () => {
      if (stream.isPaused()) stream.resume();
    });
    stream.on("data", (chunk: Buffer) => {
      this.onData(chunk);
    });
    stream.on("end", () => {
      this.requests.end();
    });
    stream.on("error", () => {
      // Followed by 'close', which aborts the call.
    });
    stream.once("close", () => {
      if (!this.finished) this.cancelled("the hub cancelled the call");
      this.finished = true;
    });
    const deadline = timeoutMs(headers);
    if (deadline !== undefined) {
      const timer = setTimeout(() => {
        this.end(status.DEADLINE_EXCEEDED, `deadline of ${String(deadline)} ms exceeded`);
      }, deadline);
      stream.once("close", () => {
        clearTimeout(timer);
      });
    }
  }

  /** Aborted, with an Error naming why, once the call can no longer be answered. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** True once the call ended, either way. */
  get ended(): boolean {
    return this.finished;
  }

  [Symbol.asyncIterator](): AsyncIterator<Request> {
    return this.requests;
  }

  private onData(chunk: Buffer): void {
    try {
      for (const message of this.deframer.push(chunk))
        this.requests.push(this.method.requestDeserialize(message));
    } catch (error) {
      this.end(status.INTERNAL, `unreadable request: ${(error as Error).message}`);
      return;
    }
    if (this.requests.full) this.stream.pause();
  }

  private cancelled(reason: string): void {
    this.requests.end(new Error(reason));
    this.abort.abort(new Error(reason));
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.stream.respond(
      { ":status": 200, "content-type": "application/grpc+proto" },
      { waitForTrailers: true },
    );
  }

  /**
   * Sends one response; resolves at once while the stream's buffer holds less than
   * WRITE_AHEAD_BYTES, else when it drains or the call ends (flow control end to end).
   * Writes after the end are dropped.
   */
  write(response: Response): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.sendHeaders();
    const flowing = this.stream.write(frameMessage(this.method.responseSerialize(response)));
    return overWriteAhead(this.stream, flowing) ? drainedOrClosed(this.stream) : Promise.resolve();
  }

  /**
   * Sends the last responses and ends the call with OK in one turn: the headers and one DATA
   * frame holding every message leave in one write, the trailers in the next (node's http2
   * asks for them once that write completed). Dropped after the end.
   */
  finish(responses: readonly Response[]): void {
    if (this.finished) return;
    this.finished = true;
    if (this.stream.destroyed) return;
    this.sendHeaders();
    this.stream.once("wantTrailers", () => {
      this.stream.sendTrailers({ "grpc-status": String(status.OK) });
    });
    const frames = responses.map((response) =>
      frameMessage(this.method.responseSerialize(response)),
    );
    this.stream.end(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }

  /** Ends the call with `code` (OK unless said otherwise) after the responses written. */
  end(code: status = status.OK, message = ""): void {
    if (this.finished) return;
    this.finished = true;
    if (code !== status.OK) this.cancelled(message || status[code]);
    if (this.stream.destroyed) return;
    const trailers = {
      "grpc-status": String(code),
      ...(message ? { "grpc-message": encodeURIComponent(message) } : {}),
    };
    if (!this.headersSent) {
      // Trailers-only: one HEADERS frame carries the status.
      this.headersSent = true;
      this.stream.respond(
        { ":status": 200, "content-type": "application/grpc+proto", ...trailers },
        { endStream: true },
      );
      return;
    }
    this.stream.once("wantTrailers", () => {
      this.stream.sendTrailers(trailers);
    });
    this.stream.end();
  }

  /** Ends the stream at once without a status (RST_STREAM CANCEL), e.g. mid-upgrade failures. */
  destroy(): void {
    this.finished = true;
    this.cancelled("the call was reset");
    if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_CANCEL);
  }
}
