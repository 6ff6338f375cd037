import type { Logger } from "@warren/log";
import type { ClusterHealth } from "@warren/proto";
import type { AgentPlacement, AgentRecord } from "@warren/store";
import type { AgentTunnel } from "@warren/tunnel";

import type { Clock } from "../clock.js";

/** An agent with a live tunnel, and what its heartbeats said last. */
export interface ConnectedAgent {
  readonly record: AgentRecord;
  readonly tunnel: AgentTunnel<AgentRecord>;
  readonly connectedAt: Date;
  lastHeartbeatAt: Date | undefined;
  agentVersion: string;
  health: ClusterHealth | undefined;
  /** The standing heartbeat stream, which a drain ends first. */
  heartbeats: { cancel(): void } | undefined;
  /** The labels the agent last said it is configured with. */
  saidLabels?: Readonly<Record<string, string>>;
  /** Where the agent runs, as it last said (stored with its record). */
  placement: AgentPlacement;
  /** What the agent last said it trusts, and which CA signed its certificate. */
  authorities?: { trustedPins: readonly string[]; certificatePin: string };
}

/**
 * The agents connected right now, by id and by cluster. Several agents of one cluster are
 * replicas: requests go to the one with the fewest calls in flight, and a dropped one simply
 * stops being picked.
 */
export class AgentRegistry {
  private readonly byId = new Map<string, ConnectedAgent>();
  /** Rotates picks among equally busy replicas. */
  private turn = 0;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  add(tunnel: AgentTunnel<AgentRecord>): ConnectedAgent {
    const { id, clusterName } = tunnel.peer;
    this.byId.get(id)?.tunnel.close("replaced by a newer connection from the same agent");
    const agent: ConnectedAgent = {
      record: tunnel.peer,
      tunnel,
      connectedAt: this.clock.now(),
      lastHeartbeatAt: undefined,
      agentVersion: tunnel.peer.agentVersion,
      health: undefined,
      heartbeats: undefined,
      placement: tunnel.peer.placement,
    };
    this.byId.set(id, agent);
    tunnel.once("close", (reason: string) => {
      if (this.byId.get(id) === agent) this.byId.delete(id);
      this.logger.info({ agentId: id, cluster: clusterName, reason }, "agent disconnected");
    });
    this.logger.info(
      { agentId: id, cluster: clusterName, remoteAddress: tunnel.remoteAddress },
      "agent connected",
    );
    return agent;
  }

  get(agentId: string): ConnectedAgent | undefined {
    return this.byId.get(agentId);
  }

  all(): ConnectedAgent[] {
    return [...this.byId.values()];
  }

  inCluster(clusterName: string): ConnectedAgent[] {
    return this.all().filter((agent) => agent.record.clusterName === clusterName);
  }

  /**
   * An agent of `clusterName` to send a request to: among those taking calls, one with the
   * fewest in flight, taking turns when several tie.
   */
  pick(clusterName: string): ConnectedAgent | undefined {
    const open = this.inCluster(clusterName).filter(
      (a) => !a.tunnel.closed && !a.tunnel.grpc.closing,
    );
    const fewest = Math.min(...open.map((a) => a.tunnel.grpc.activeCalls));
    const idle = open.filter((a) => a.tunnel.grpc.activeCalls === fewest);
    this.turn = (this.turn + 1) % Number.MAX_SAFE_INTEGER;
    return idle[this.turn % Math.max(1, idle.length)];
  }

  /** Cuts an agent's tunnel; false when it was not connected. */
  disconnect(agentId: string, reason: string): boolean {
    const agent = this.byId.get(agentId);
    agent?.tunnel.close(reason);
    return agent !== undefined;
  }

  closeAll(reason: string): void {
    for (const agent of this.all()) agent.tunnel.close(reason);
  }

  /**
   * A graceful stop: ends the standing heartbeat streams, lets the calls in flight finish for
   * up to graceMs, then closes every tunnel.
   */
  async drain(graceMs: number, reason: string): Promise<void> {
    const deadline = Date.now() + graceMs;
    for (const agent of this.all()) agent.heartbeats?.cancel();
    await Promise.all(this.all().map((agent) => agent.tunnel.grpc.idle(deadline - Date.now())));
    this.closeAll(reason);
  }
}
