import { hostPort } from "@warren/config";
import type { Logger } from "@warren/log";
import {
  Backoff,
  openTunnel,
  TunnelError,
  TunnelErrorCode,
  type BackoffOptions,
  type TunnelConnection,
} from "@warren/tunnel";

import { AgentError } from "../errors.js";
import type { IdentityKeeper } from "../identity/identity-keeper.js";
import { ProblemLog } from "../problem-log.js";
import type { AgentGrpcServer } from "../service/agent-service.js";
import { certifiedHostKeys } from "./certified-host-keys.js";

export interface TunnelKeeperOptions {
  identity: IdentityKeeper;
  server: AgentGrpcServer;
  logger: Logger;
  /** How often to send SSH keepalives, in milliseconds. */
  keepaliveIntervalMs: number;
  /** A tunnel silent for this long, in milliseconds, is dead. */
  keepaliveTimeoutMs: number;
  retry?: BackoffOptions;
  /** Called each time the tunnel comes up (for metrics). */
  onUp?: () => void;
  /** Where to dial; default the tunnel address the hub gave at join. */
  address?: () => string | undefined;
  /** The hub replica each new tunnel reached, as its banner names it (undefined: unnamed). */
  onReached?: (replicaId: string | undefined) => void;
  /** Asked before authenticating: false declines a replica another tunnel already holds. */
  acceptReplica?: (replicaId: string | undefined) => boolean;
}

/** After a declined replica (a load balancer's pick), dial again soon: another may come up. */
const DECLINED_RETRY_MS = { min: 200, spread: 600 };

const REPLICA_BANNER = /^warren-hub replica (\S{1,100})$/;

/** The replica a hub's SSH banner names, if it names one. */
export function replicaOfBanner(banner: string | undefined): string | undefined {
  return REPLICA_BANNER.exec(banner ?? "")?.[1];
}

const DEFAULT_RETRY: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Keeps the agent's tunnel up: dials the hub with the current identity, serves the hub's gRPC
 * connection through it, and reconnects with capped, jittered backoff when it drops. When the
 * hub refuses the identity or presents another host key, it asks the identity keeper to
 * check with the hub at once (which names a changed CA, and re-joins if allowed).
 */
export class TunnelKeeper {
  private readonly stopping = new AbortController();
  private readonly problems: ProblemLog;
  private connection: TunnelConnection | undefined;
  private connectedAs: string | undefined;
  private loop: Promise<void> | undefined;
  /** Ends the current wait between dials early (stop, or the replica list changed). */
  private wakeUp: (() => void) | undefined;
  /** The hub replica the current tunnel reached. */
  replicaId: string | undefined;

  constructor(private readonly options: TunnelKeeperOptions) {
    this.problems = new ProblemLog(options.logger);
    options.identity.onChange((state) => {
      // A new identity (re-joined) needs a new tunnel; a renewed certificate does not.
      if (this.connectedAs !== undefined && state.agentId !== this.connectedAs)
        this.connection?.close();
    });
  }

  get connected(): boolean {
    return this.connection !== undefined;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.connection?.close();
    this.wakeUp?.();
    await this.loop;
  }

  /** Dials again now if waiting out a backoff. */
  redialNow(): void {
    this.wakeUp?.();
  }

  /** Waits `ms`, or less if woken; true if woken rather than timed out. */
  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve(false);
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve(true);
      };
    });
  }

  private isStopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(this.options.retry ?? DEFAULT_RETRY);
    while (!this.isStopped()) {
      let declined = false;
      try {
        if (await this.connectAndServe()) backoff.reset();
      } catch (error) {
        declined = error instanceof TunnelError && error.code === TunnelErrorCode.Declined;
        this.replicaId = undefined;
        if (!declined) await this.onFailure(error);
      }
      if (this.isStopped()) return;
      const delayMs = declined
        ? DECLINED_RETRY_MS.min + Math.random() * DECLINED_RETRY_MS.spread
        : backoff.next();
      if (await this.wait(delayMs)) backoff.reset();
    }
  }

  /** One tunnel's life; true if it came up. */
  private async connectAndServe(): Promise<boolean> {
    const state = this.options.identity.identity;
    const tunnel = this.options.identity.tunnel;
    const addr = this.options.address?.() ?? tunnel?.addr;
    if (!state || !tunnel || !addr) return false;
    const { host, port } = hostPort()(addr);
    let served = false;
    const connection = await openTunnel({
      host,
      port,
      username: state.agentId,
      privateKeyPem: state.privateKeyPem,
      expectedHostKeys: certifiedHostKeys(tunnel, state.caPem),
      onChannel: (channel, hostKeyType) => {
        this.options.server.serve(channel);
        // Up means usable: the hub has opened its gRPC connection through the tunnel.
        if (!served) this.announceUp(state.agentId, addr, hostKeyType);
        served = true;
      },
      keepaliveIntervalMs: this.options.keepaliveIntervalMs,
      keepaliveTimeoutMs: this.options.keepaliveTimeoutMs,
      signal: this.stopping.signal,
      acceptBanner: (banner) => {
        const replicaId = replicaOfBanner(banner);
        if (this.options.acceptReplica && !this.options.acceptReplica(replicaId)) return false;
        // Claimed now, before the tunnel is up, so a sibling dialing at once declines it.
        this.replicaId = replicaId;
        return true;
      },
    });
    this.connection = connection;
    this.connectedAs = state.agentId;
    this.replicaId = replicaOfBanner(connection.banner);
    this.options.onReached?.(this.replicaId);
    const reason = await connection.closed;
    this.connection = this.connectedAs = this.replicaId = undefined;
    if (!this.isStopped()) this.options.logger.warn({ reason }, "tunnel down; reconnecting");
    return served;
  }

  private announceUp(agentId: string, tunnelAddr: string, hostKeyType: string): void {
    this.options.onUp?.();
    this.problems.resolve({ tunnelAddr }, "the tunnel is back");
    this.options.logger.info({ agentId, tunnelAddr, hostKeyType }, "tunnel up");
  }

  private async onFailure(error: unknown): Promise<void> {
    if (error instanceof TunnelError && error.code === TunnelErrorCode.Unreachable) {
      this.problems.report("tunnel_unreachable", "warn", {}, `${error.message}; retrying`);
      return;
    }
    if (!(error instanceof TunnelError) && !(error instanceof AgentError)) throw error;
    this.problems.report(`tunnel_${error.code}`, "error", {}, `${error.message}; asking the hub`);
    // The hub may have changed CA, revoked this agent, or moved: the identity check says which.
    await this.options.identity.checkNow();
  }
}
