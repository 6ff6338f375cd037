import type { ClientRequest, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

import { forwardableHeaders, headerLines, isUpgradeRequest, kubeStatus } from "@warren/kube";
import { errorFields, type Logger } from "@warren/log";
import type { ProxyRequest, ProxyResponse, RequestHead } from "@warren/proto";
import { writeDrained, type ServerCall } from "@warren/tunnel";

import type { AgentMetrics } from "../diagnostics/agent-metrics.js";
import type { UpstreamClient } from "./upstream-request.js";

export type ProxyCall = ServerCall<ProxyRequest, ProxyResponse>;

/** A complete answer up to this size leaves as one message; a larger one is streamed. */
const MAX_WHOLE_ANSWER_BYTES = 1024 * 1024;

/** How the API server answered: a response with a body, or a switch to raw bytes (101). */
type Answer =
  | { kind: "response"; res: IncomingMessage }
  | { kind: "upgrade"; res: IncomingMessage; socket: Duplex; rest: Buffer };

/**
 * One kubectl request, relayed between the hub's Proxy call and the API server: the head
 * first, then bodies both ways with backpressure, or raw bytes both ways after a 101. The
 * call's signal is the request's one cancellation: the hub leaving at any moment (before the
 * API server was reached, during a quiet watch, mid-exec) destroys the upstream request.
 */
export class ProxyExchange {
  private answered = false;
  /** The upgraded connection to the API server, once it answered 101. */
  private socket: Duplex | undefined;
  /** The hub half-closed: no more bytes for the API server. */
  private hubDone = false;
  private readonly startedAt = performance.now();
  private readonly logger: Logger;

  constructor(
    private readonly call: ProxyCall,
    private readonly client: UpstreamClient,
    logger: Logger,
    private readonly metrics?: AgentMetrics,
  ) {
    this.logger = logger;
  }

  /** Serves the call to its end, however it ends; never rejects. */
  async run(): Promise<void> {
    const first = await this.call.requests.next().catch(() => undefined);
    if (first === undefined || this.call.signal.aborted) return;
    const frame = first.done ? undefined : first.value.frame;
    if (frame?.$case !== "head") {
      this.fail(400, "the hub's stream did not start with a request head");
      return;
    }
    const head = frame.value;
    const log = this.logger.child("proxy", { requestId: head.requestId });
    if (!head.impersonation?.user) {
      this.fail(403, "the hub sent no identity to act as; the agent never acts as itself", log);
      return;
    }
    const release = this.client.admit();
    if (!release) {
      const limit = String(this.client.maxRequests);
      this.fail(
        429,
        `the agent has ${limit} requests open to its API server, its limit ` +
          "(WARREN_UPSTREAM_MAX_REQUESTS): retry when some have ended",
        log,
      );
      return;
    }
    this.metrics?.proxyStreams.inc();
    try {
      await this.exchange(head, log);
    } catch (error) {
      // Nothing is sent when the hub cancelled: the call has ended already.
      this.fail(502, `the agent cannot reach its API server: ${(error as Error).message}`, log);
    } finally {
      release();
      this.metrics?.proxyStreams.dec();
    }
  }

  private async exchange(head: RequestHead, log: Logger): Promise<void> {
    const upstream = await this.client.request(head, this.call.signal);
    log.debug({ method: head.method, path: head.path }, "request sent to the API server");
    this.call.signal.addEventListener(
      "abort",
      () => {
        log.debug({}, "the hub cancelled: request to the API server ended");
      },
      { once: true },
    );
    const upgrade = isUpgradeRequest(head.headers);
    const answer = new Promise<Answer>((resolve, reject) => {
      upstream.once("response", (res: IncomingMessage) => {
        resolve({ kind: "response", res });
      });
      upstream.once("upgrade", (res: IncomingMessage, socket: Duplex, rest: Buffer) => {
        resolve({ kind: "upgrade", res, socket, rest });
      });
      upstream.on("error", reject);
    });
    // An upgrade has no body: its request frames carry the upgraded bytes instead.
    if (upgrade) upstream.end();
    const early: Uint8Array[] = [];
    void this.upload(upstream, upgrade ? early : undefined);
    const answered = await answer;
    if (answered.kind === "response") await this.respond(answered.res);
    else await this.relayUpgraded(answered, early, log);
  }

  /**
   * The hub's frames, as they come: body chunks to the request or, for an upgrade, raw bytes
   * to the socket (kept in `early` until the API server switched protocols). At the hub's
   * half-close the request, or our side of the socket, ends.
   */
  private async upload(upstream: ClientRequest, early: Uint8Array[] | undefined): Promise<void> {
    try {
      for await (const message of this.call) {
        const frame = message.frame;
        if (frame?.$case === "body" && !early) await writeDrained(upstream, frame.value.data);
        if (frame?.$case !== "upgraded" || !early) continue;
        if (this.socket) await writeDrained(this.socket, frame.value.data);
        else early.push(frame.value.data);
      }
    } catch {
      return; // Cancelled: the signal has destroyed the upstream request.
    }
    if (!early) upstream.end();
    this.hubDone = true;
    this.socket?.end();
  }

  private headOf(statusCode: number, res: IncomingMessage, upgrade: boolean): ProxyResponse {
    this.answered = true;
    this.recordAnswer(statusCode);
    const headers = forwardableHeaders(headerLines(res.rawHeaders), upgrade);
    return { frame: { $case: "head", value: { statusCode, headers } } };
  }

  private writeHead(statusCode: number, res: IncomingMessage, upgrade: boolean): void {
    void this.call.write(this.headOf(statusCode, res, upgrade));
  }

  /** Sends what the API server writes, as flow control allows, then ends the call. */
  private async pump(source: AsyncIterable<Buffer>, frame: "body" | "upgraded"): Promise<void> {
    for await (const data of source) {
      if (this.call.ended) return;
      const value = { data };
      await this.call.write({
        frame: frame === "body" ? { $case: "body", value } : { $case: "upgraded", value },
      });
    }
    this.call.end();
  }

  private async respond(res: IncomingMessage): Promise<void> {
    if (this.answerWhole(res)) return;
    this.writeHead(res.statusCode ?? 502, res, false);
    try {
      await this.pump(res, "body");
    } catch (error) {
      // Mid-body there is no status to send: reset the call so the hub cuts its client.
      this.logger.debug(errorFields(error), "response relay ended early");
      this.call.destroy();
    }
  }

  /**
   * When the API server's whole answer came with its head (most answers to a GET do), sends
   * the body and the end in the same turn as the head: two SSH packets to the hub instead of
   * three (head and body, then the trailers), each costing both sides a decryption and a
   * write. False when the body is still coming: it is streamed.
   */
  private answerWhole(res: IncomingMessage): boolean {
    if (!res.complete || res.readableLength > MAX_WHOLE_ANSWER_BYTES) return false;
    const head = this.headOf(res.statusCode ?? 502, res, false);
    const data = res.read() as Buffer | null;
    // Drained to its end, so the connection goes back to the pool.
    res.resume();
    this.call.finish(
      data !== null && data.length > 0
        ? [head, { frame: { $case: "body", value: { data } } }]
        : [head],
    );
    return true;
  }

  private async relayUpgraded(
    answer: Extract<Answer, { kind: "upgrade" }>,
    early: Uint8Array[],
    log: Logger,
  ): Promise<void> {
    const { res, socket, rest } = answer;
    const cut = () => socket.destroy();
    this.call.signal.addEventListener("abort", cut, { once: true });
    this.writeHead(101, res, true);
    // Written at once, in order: only the bytes that came with the upgrade request.
    for (const data of early.splice(0)) socket.write(data);
    this.socket = socket;
    if (this.hubDone) socket.end();
    if (rest.length > 0) socket.unshift(rest);
    try {
      await this.pump(socket, "upgraded");
    } catch (error) {
      log.debug(errorFields(error), "upgraded relay ended early");
      socket.destroy();
      this.call.end();
    } finally {
      this.call.signal.removeEventListener("abort", cut);
    }
  }

  private recordAnswer(statusCode: number): void {
    const code = String(statusCode);
    this.metrics?.proxyRequests.inc({ code });
    this.metrics?.proxyDuration.observe({ code }, (performance.now() - this.startedAt) / 1000);
  }

  /** Answers with a Status object, as the API server would. */
  private fail(code: number, message: string, log: Logger = this.logger): void {
    if (this.answered || this.call.ended) return;
    this.answered = true;
    this.recordAnswer(code);
    log.warn({ code }, message);
    const body = Buffer.from(JSON.stringify(kubeStatus(code, message)));
    const headers = [{ name: "Content-Type", value: "application/json" }];
    void this.call.write({ frame: { $case: "head", value: { statusCode: code, headers } } });
    void this.call.write({ frame: { $case: "body", value: { data: body } } });
    this.call.end();
  }
}
