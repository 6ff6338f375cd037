import type { ClientRequest, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

import type { ServerDuplexStream } from "@grpc/grpc-js";
import { forwardableHeaders, headerLines, isUpgradeRequest, kubeStatus } from "@warren/kube";
import { errorFields, type Logger } from "@warren/log";
import type { ProxyRequest, ProxyResponse, RequestHead } from "@warren/proto";

import type { AgentMetrics } from "../diagnostics/agent-metrics.js";
import { writeFlowControlled } from "../service/flow-controlled-write.js";
import type { UpstreamClient } from "./upstream-request.js";

export type ProxyStream = ServerDuplexStream<ProxyRequest, ProxyResponse>;

/**
 * One kubectl request, relayed between the hub's Proxy stream and the API server: the head
 * first, then bodies both ways with backpressure, or raw bytes both ways after a 101.
 */
export class ProxyExchange {
  private upstream: ClientRequest | undefined;
  private socket: Duplex | undefined;
  /** Upgraded bytes that arrived before the API server switched protocols. */
  private early: Uint8Array[] = [];
  private answered = false;

  private readonly startedAt = performance.now();

  constructor(
    private readonly call: ProxyStream,
    private readonly client: UpstreamClient,
    private readonly logger: Logger,
    private readonly metrics?: AgentMetrics,
  ) {
    this.countStream();
    call.on("data", (message: ProxyRequest) => {
      this.onFrame(message);
    });
    call.on("end", () => {
      if (this.socket) this.socket.end();
      else if (this.upstream && !this.upstream.writableEnded) this.upstream.end();
    });
    call.on("cancelled", () => {
      this.close();
    });
    call.on("error", () => {
      this.close();
    });
  }

  /** In flight from now until the call is over, however it ends. */
  private countStream(): void {
    const streams = this.metrics?.proxyStreams;
    if (!streams) return;
    streams.inc();
    let counted = true;
    const done = () => {
      if (counted) streams.dec();
      counted = false;
    };
    for (const event of ["finish", "cancelled", "error", "close"]) this.call.once(event, done);
  }

  private recordAnswer(statusCode: number): void {
    const code = String(statusCode);
    this.metrics?.proxyRequests.inc({ code });
    this.metrics?.proxyDuration.observe({ code }, (performance.now() - this.startedAt) / 1000);
  }

  private close(): void {
    this.upstream?.destroy();
    this.socket?.destroy();
  }

  private onFrame(message: ProxyRequest): void {
    const frame = message.frame;
    if (frame?.$case === "head") {
      if (this.upstream) {
        this.fail(400, "a second request head on one stream");
        return;
      }
      // Bodies and the half-close wait until the upstream request exists.
      this.call.pause();
      this.start(frame.value).then(
        () => this.call.resume(),
        (error: unknown) => {
          this.fail(502, `the agent cannot reach its API server: ${(error as Error).message}`);
        },
      );
    } else if (frame?.$case === "body") {
      this.forward(this.upstream, frame.value.data);
    } else if (frame?.$case === "upgraded") {
      if (this.socket) this.forward(this.socket, frame.value.data);
      else this.early.push(frame.value.data);
    }
  }

  /** Writes to the API server, pausing the hub's stream while the write buffer is full. */
  private forward(target: ClientRequest | Duplex | undefined, data: Uint8Array): void {
    if (target && !target.write(data)) {
      this.call.pause();
      target.once("drain", () => this.call.resume());
    }
  }

  private async start(head: RequestHead): Promise<void> {
    if (!head.impersonation?.user) {
      this.fail(403, "the hub sent no identity to act as; the agent never acts as itself");
      return;
    }
    const release = this.client.admit();
    if (!release) {
      this.fail(
        429,
        `the agent has ${String(this.client.maxRequests)} requests open to its API server, its ` +
          "limit (WARREN_UPSTREAM_MAX_REQUESTS): retry when some have ended",
      );
      return;
    }
    for (const event of ["finish", "cancelled", "error", "close"]) this.call.once(event, release);
    const upstream = await this.client.request(head);
    this.upstream = upstream;
    upstream.on("response", (res: IncomingMessage) => {
      this.respond(res).catch((error: unknown) => {
        this.logger.debug(errorFields(error), "response relay ended early");
        this.call.destroy(error as Error);
      });
    });
    upstream.on("upgrade", (res: IncomingMessage, socket: Duplex, rest: Buffer) => {
      this.upgraded(res, socket, rest);
    });
    upstream.on("error", (error) => {
      if (!this.answered) this.fail(502, `the agent cannot reach its API server: ${error.message}`);
      else this.call.destroy(error);
    });
    // An upgrade has no body; its stream stays open for the upgraded bytes.
    if (isUpgradeRequest(head.headers)) upstream.end();
  }

  private async writeHead(statusCode: number, res: IncomingMessage, upgrade: boolean) {
    this.answered = true;
    this.recordAnswer(statusCode);
    const headers = forwardableHeaders(headerLines(res.rawHeaders), upgrade);
    await writeFlowControlled(this.call, {
      frame: { $case: "head", value: { statusCode, headers } },
    });
  }

  /** Sends what the API server writes, as flow control allows, then ends the stream. */
  private async pump(source: AsyncIterable<Buffer>, frame: "body" | "upgraded"): Promise<void> {
    for await (const data of source) {
      if (this.call.cancelled) return;
      const value = { data };
      await writeFlowControlled(this.call, {
        frame: frame === "body" ? { $case: "body", value } : { $case: "upgraded", value },
      });
    }
    this.call.end();
  }

  private async respond(res: IncomingMessage): Promise<void> {
    await this.writeHead(res.statusCode ?? 502, res, false);
    await this.pump(res, "body");
  }

  private upgraded(res: IncomingMessage, socket: Duplex, rest: Buffer): void {
    this.socket = socket;
    const relay = async () => {
      await this.writeHead(101, res, true);
      for (const data of this.early.splice(0)) socket.write(data);
      if (rest.length > 0) socket.unshift(rest);
      await this.pump(socket, "upgraded");
    };
    relay().catch(() => {
      socket.destroy();
      this.call.end();
    });
  }

  /** Answers with a Status object, as the API server would. */
  private fail(code: number, message: string): void {
    if (this.answered) return;
    this.answered = true;
    this.recordAnswer(code);
    this.logger.warn({ code }, message);
    const body = Buffer.from(JSON.stringify(kubeStatus(code, message)));
    this.call.write({
      frame: {
        $case: "head",
        value: { statusCode: code, headers: [{ name: "Content-Type", value: "application/json" }] },
      },
    });
    this.call.write({ frame: { $case: "body", value: { data: body } } });
    this.call.end();
    this.close();
  }
}
