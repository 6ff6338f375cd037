import { EventEmitter } from "node:events";

import type { Http2GrpcClient } from "../grpc/http2-grpc-client.js";

/** How long the hub waits for a keepalive answer before it calls a tunnel dead. */
export interface KeepaliveOptions {
  /** How often to ping through the tunnel, in milliseconds. */
  intervalMs: number;
  /** No answer for this long, in milliseconds, and the tunnel is closed. */
  timeoutMs: number;
}

/**
 * The hub's end of one agent's tunnel: the peer it authenticated and a gRPC client to the
 * agent. Pings keep measuring the round trip and notice a dead tunnel.
 *
 * Emits "close" with the reason once.
 */
export class AgentTunnel<Peer> extends EventEmitter {
  private closedWith: string | undefined;
  private readonly keepalive: NodeJS.Timeout;
  private lastAnswerAt = Date.now();
  /** Round trip of the last keepalive, in milliseconds. */
  roundTripMs: number | undefined;

  constructor(
    readonly peer: Peer,
    readonly grpc: Http2GrpcClient,
    readonly remoteAddress: string,
    private readonly end: () => void,
    keepalive: KeepaliveOptions,
  ) {
    super();
    this.keepalive = setInterval(() => {
      this.ping(keepalive);
    }, keepalive.intervalMs);
    // A first measurement now, so listings show a round trip from the start.
    this.ping(keepalive);
    this.keepalive.unref();
    grpc.once("close", () => {
      this.close("the tunnel connection closed");
    });
  }

  private ping(keepalive: KeepaliveOptions): void {
    if (Date.now() - this.lastAnswerAt > keepalive.timeoutMs) {
      this.close(`no answer to keepalives for ${keepalive.timeoutMs} ms`);
      return;
    }
    this.grpc.ping(keepalive.timeoutMs).then(
      (roundTripMs) => {
        this.roundTripMs = roundTripMs;
        this.lastAnswerAt = Date.now();
      },
      () => {
        // Counted by lastAnswerAt; the next tick decides.
      },
    );
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Cuts the tunnel: running calls fail, the agent will reconnect unless refused. */
  close(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    clearInterval(this.keepalive);
    this.grpc.destroy();
    this.end();
    this.emit("close", reason);
  }
}
