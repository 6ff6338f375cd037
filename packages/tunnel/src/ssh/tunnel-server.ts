import type { KeyObject } from "node:crypto";
import { once } from "node:events";
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";

import { errorFields, silentLogger, type Logger } from "@warren/log";
import ssh2, { type AuthContext, type Connection, type ServerChannel } from "ssh2";

import { AgentTunnel, type KeepaliveOptions } from "./agent-tunnel.js";
import { coalesceWrites } from "./coalesced-writes.js";
import { HandshakeGate } from "./handshake-gate.js";
import { Http2GrpcClient, type Http2GrpcClientOptions } from "../grpc/http2-grpc-client.js";
import { TUNNEL_ALGORITHMS } from "./ssh-algorithms.js";
import { sshSigningKey, verifySshSignature } from "./ssh-keys.js";

/** Agent ids are UUIDs; a longer SSH user name is cut before it reaches a log line. */
const MAX_LOGGED_USERNAME = 64;
export type TunnelAuthResult<Peer> =
  | {
      accepted: true;
      peer: Peer;
      /** The accepted key, parsed (from its certificate): its signature is checked with it. */
      publicKey?: KeyObject;
    }
  | { accepted: false; reason: string };

export interface TunnelServerOptions<Peer> {
  /**
   * The hub's SSH host keys (PEM), at most one per type; each agent is served with the first
   * of its offered algorithms one of these keys has, and accepts it only as certified by the
   * hub's CA.
   */
  hostKeyPems: string[];
  /** Decides whether `username` may connect with `publicKey` (SSH wire form). */
  authenticate(username: string, publicKey: Buffer): Promise<TunnelAuthResult<Peer>>;
  /** Each tunnel once the agent is authenticated and its gRPC connection is open. */
  onTunnel(tunnel: AgentTunnel<Peer>): void;
  /**
   * Sent to each client before it authenticates: a hub replica names itself here, so an agent
   * knows which replica a tunnel reached even through a load balancer.
   */
  banner?: string;
  /**
   * A connection that has not authenticated within this many milliseconds of its handshake's
   * start is dropped. Default 10000.
   */
  handshakeTimeoutMs?: number;
  /** Handshakes run at once; later connections wait their turn (see HandshakeGate). Default 64. */
  maxConcurrentHandshakes?: number;
  /**
   * How long one handshake may hold its turn, in milliseconds; past it, it goes on outside
   * the gate (its timeout still applies). Default 2000: a few connections that stall cannot
   * keep every agent waiting.
   */
  handshakeTurnMs?: number;
  keepalive: KeepaliveOptions;
  grpc?: Http2GrpcClientOptions;
  logger?: Logger;
}

/** The last key a connection asked about without signing, and the answer it got. */
interface AskedKey<Peer> {
  last?: { username: string; key: Buffer; result: Promise<TunnelAuthResult<Peer>> };
}

/** What the hub knows of one TCP connection before and after SSH authenticates it. */
interface SocketState {
  socket: Socket;
  authenticated: boolean;
  /** Cuts the connection if it has not authenticated in time; cleared once it has. */
  handshakeTimer: NodeJS.Timeout | undefined;
  failure: Error | undefined;
  /** Queued for a handshake turn (see HandshakeGate). A flag: an Error per connection, with
   * its stack trace, cost more than the turn. */
  waiting: boolean;
  /** Ends this connection's handshake turn. */
  endTurn: () => void;
}

/**
 * The hub's SSH listener. Agents are SSH clients that authenticate with the key of their
 * hub-issued certificate and ask for a reverse forward; the hub then opens one
 * forwarded-tcpip channel to each, and speaks gRPC to the agent over it.
 *
 * It owns the TCP sockets (and hands them to ssh2 with injectSocket) so that it sees, and
 * logs, connections that never speak SSH: ssh2 drops those without a word.
 */
export class TunnelServer<Peer> {
  private readonly ssh: ssh2.Server;
  private readonly listener: NetServer;
  private readonly sockets = new Map<string, SocketState>();
  private readonly logger: Logger;
  private readonly gate: HandshakeGate;

  constructor(private readonly options: TunnelServerOptions<Peer>) {
    this.logger = options.logger ?? silentLogger;
    this.gate = new HandshakeGate(
      options.maxConcurrentHandshakes ?? 64,
      options.handshakeTurnMs ?? 2000,
    );
    this.ssh = new ssh2.Server(
      {
        hostKeys: options.hostKeyPems.map((pem) => ({ key: sshSigningKey(pem) })),
        algorithms: TUNNEL_ALGORITHMS,
        ...(options.banner === undefined ? {} : { banner: options.banner }),
      },
      (client, info) => {
        this.handle(client, `${info.ip}:${info.port}`);
      },
    );
    this.listener = createServer((socket) => {
      this.accept(socket);
    });
  }

  async listen(host: string, port: number): Promise<number> {
    // A deep backlog: after a hub restart every agent redials within seconds of each other.
    this.listener.listen({ port, host, backlog: 4096 });
    await Promise.race([
      once(this.listener, "listening"),
      once(this.listener, "error").then(([error]) => Promise.reject(error as Error)),
    ]);
    return (this.listener.address() as AddressInfo).port;
  }

  /**
   * Stops accepting connections and drops those not yet authenticated. Tunnels already up
   * stay until their owner closes them (the hub drains them first).
   */
  close(): void {
    this.listener.close();
    for (const state of this.sockets.values()) if (!state.authenticated) state.socket.destroy();
  }

  private accept(socket: Socket): void {
    // Without it, delayed ACKs turn a 0.1 ms round trip into 40 ms.
    socket.setNoDelay(true);
    const remoteAddress = `${socket.remoteAddress ?? "?"}:${String(socket.remotePort)}`;
    const state: SocketState = {
      socket,
      authenticated: false,
      failure: undefined,
      waiting: true,
      handshakeTimer: undefined,
      endTurn: () => undefined,
    };
    this.sockets.set(remoteAddress, state);
    // ssh2 listens for errors once the socket is injected; a queued socket needs it already.
    socket.on("error", (error) => {
      state.failure ??= error;
    });
    socket.once("close", () => {
      clearTimeout(state.handshakeTimer);
      state.endTurn();
      this.sockets.delete(remoteAddress);
      if (state.authenticated) return;
      if (state.waiting) {
        // Most likely an agent that gave up during a reconnect storm, and will redial: one
        // line each would flood the log just when it is read.
        this.logger.debug({ remoteAddress }, "a connection closed while waiting to handshake");
        return;
      }
      const reason = state.failure?.message ?? "it closed before authenticating as an agent";
      this.logger.warn(
        { remoteAddress, reason },
        "dropped a connection that is not a Warren agent",
      );
    });
    state.endTurn = this.gate.admit(() => {
      state.waiting = false;
      state.handshakeTimer = setTimeout(() => {
        state.failure = new Error("it did not authenticate in time");
        socket.destroy();
      }, this.options.handshakeTimeoutMs ?? 10_000);
      this.ssh.injectSocket(socket);
    });
  }

  private handle(client: Connection, remoteAddress: string): void {
    const state = this.sockets.get(remoteAddress);
    const log = this.logger.child("tunnel", { remoteAddress });
    let peer: Peer | undefined;
    let tunnel: AgentTunnel<Peer> | undefined;
    client.on("error", (error) => {
      if (state) state.failure = error;
      if (peer !== undefined) log.warn(errorFields(error), "tunnel connection failed");
    });
    // SSH asks whether a key would do, then signs with it: the answer to the question serves
    // the signed attempt too, one store read per agent instead of two (a restart storm's).
    const asked: AskedKey<Peer> = {};
    client.on("authentication", (ctx) => {
      this.authenticate(ctx, log, asked).then(
        (accepted) => {
          if (!accepted) return;
          peer = accepted.peer;
          if (state) {
            state.authenticated = true;
            clearTimeout(state.handshakeTimer);
            state.endTurn();
          }
        },
        (error: unknown) => {
          log.error(errorFields(error), "could not check an agent's credentials");
          ctx.reject(["publickey"]);
        },
      );
    });
    client.on("request", (accept, reject, name, info) => {
      if (name !== "tcpip-forward" || peer === undefined || tunnel) {
        reject?.();
        return;
      }
      accept?.();
      const agent = peer;
      client.forwardOut(info.bindAddr, info.bindPort, "warren-hub", 0, (error, channel) => {
        if (error) {
          log.warn(errorFields(error), "could not open the gRPC channel to the agent");
          client.end();
          return;
        }
        tunnel = this.openTunnel(client, channel, agent, remoteAddress);
      });
    });
    // Agents get nothing else: no shells, no port forwards of their own.
    client.on("session", (_accept, reject) => {
      reject();
    });
    client.on("tcpip", (_accept, reject) => {
      reject();
    });
    client.on("close", () => {
      tunnel?.close(
        state?.failure
          ? `the connection failed: ${state.failure.message}`
          : "the agent disconnected",
      );
    });
  }

  /** Resolves with the peer when `ctx` is a valid signature by an accepted key. */
  private async authenticate(
    ctx: AuthContext,
    log: Logger,
    asked: AskedKey<Peer>,
  ): Promise<{ peer: Peer } | undefined> {
    if (ctx.method !== "publickey") {
      ctx.reject(["publickey"]);
      return undefined;
    }
    const last = asked.last;
    asked.last = undefined;
    const same = last?.username === ctx.username && last.key.equals(ctx.key.data);
    const pending = same ? last.result : this.options.authenticate(ctx.username, ctx.key.data);
    // Kept for the signed attempt that follows the question, and only for it.
    if (ctx.signature === undefined)
      asked.last = { username: ctx.username, key: ctx.key.data, result: pending };
    const result = await pending;
    // The caller chose the name: logged only as long as an agent id can be.
    const username = ctx.username.slice(0, MAX_LOGGED_USERNAME);
    if (!result.accepted) {
      log.warn({ username, reason: result.reason }, "refused an agent's tunnel");
      ctx.reject(["publickey"]);
      return undefined;
    }
    // Without a signature the client only asks whether the key would do.
    if (ctx.signature === undefined) {
      ctx.accept();
      return undefined;
    }
    if (
      ctx.blob === undefined ||
      !verifySshSignature(result.publicKey ?? ctx.key.data, ctx.blob, ctx.signature, ctx.hashAlgo)
    ) {
      log.warn({ username }, "refused an agent's tunnel: bad key signature");
      ctx.reject(["publickey"]);
      return undefined;
    }
    ctx.accept();
    return { peer: result.peer };
  }

  private openTunnel(
    client: Connection,
    channel: ServerChannel,
    peer: Peer,
    remoteAddress: string,
  ): AgentTunnel<Peer> {
    const grpc = new Http2GrpcClient(coalesceWrites(channel), this.options.grpc);
    const end = () => {
      client.end();
    };
    const tunnel = new AgentTunnel(peer, grpc, remoteAddress, end, this.options.keepalive);
    this.options.onTunnel(tunnel);
    return tunnel;
  }
}
