import type { Logger } from "@warren/log";
import type { HubReplica } from "@warren/proto";

import { TunnelKeeper, type TunnelKeeperOptions } from "./tunnel-keeper.js";

type KeeperBase = Omit<TunnelKeeperOptions, "address" | "onReached" | "acceptReplica" | "logger">;

interface Member {
  keeper: TunnelKeeper;
  /** The replica this member is meant for; undefined: whichever the hub address reaches. */
  target: string | undefined;
}

/**
 * One tunnel to every live hub replica, so any replica can serve any request of this
 * cluster. The list comes from the hub (SetHubReplicas); each tunnel learns which replica it
 * reached from the replica's SSH banner. A replica that advertises its own address is dialled
 * there; replicas behind one load balancer share an address, and a member redials until it
 * reaches one nobody holds, declining the others by their banner before it authenticates (the
 * hub would replace the older tunnel with a duplicate). A hub that names no replicas gets one
 * tunnel, as before replicas existed.
 */
export class TunnelPool {
  private readonly members = new Set<Member>();
  private replicas: readonly HubReplica[] = [];
  private started = false;
  /** Once stopped, for good: a join that finishes after stop() must not start tunnels. */
  private stopped = false;

  constructor(
    private readonly base: KeeperBase,
    private readonly logger: Logger,
  ) {}

  /** Up means at least one replica can reach this agent. */
  get connected(): boolean {
    return [...this.members].some((member) => member.keeper.connected);
  }

  /** How many replicas hold a tunnel to this agent now. */
  get replicasReached(): number {
    return new Set([...this.members].map((m) => m.keeper.connected && m.keeper.replicaId)).size;
  }

  start(): void {
    if (this.stopped) return;
    this.started = true;
    this.add(undefined);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopped = true;
    const members = [...this.members];
    this.members.clear();
    await Promise.all(members.map((member) => member.keeper.stop()));
  }

  setReplicas(replicas: readonly HubReplica[]): void {
    const before = this.replicas.map((r) => r.id).join(",");
    this.replicas = replicas;
    if (replicas.map((r) => r.id).join(",") !== before) {
      this.logger.info({ replicas: replicas.map((r) => r.id) }, "hub replicas");
    }
    this.reconcile();
  }

  private add(target: string | undefined): void {
    const member: Member = { keeper: undefined as unknown as TunnelKeeper, target };
    member.keeper = new TunnelKeeper({
      ...this.base,
      logger: this.logger,
      address: () => this.addressOf(member.target),
      onReached: (replicaId) => {
        this.reached(member, replicaId);
      },
      // One tunnel per replica: a second would replace the first at the hub.
      acceptReplica: (replicaId) =>
        replicaId === undefined ||
        ![...this.members].some((m) => m !== member && m.keeper.replicaId === replicaId),
    });
    this.members.add(member);
    member.keeper.start();
  }

  private addressOf(target: string | undefined): string | undefined {
    return this.replicas.find((replica) => replica.id === target)?.tunnelAddr;
  }

  private reached(member: Member, replicaId: string | undefined): void {
    if (replicaId === undefined) return;
    member.target = replicaId;
    this.reconcile();
  }

  /** Assigns every replica nobody holds to a free member, adding or retiring members. */
  private reconcile(): void {
    if (!this.started) return;
    const live = new Set(this.replicas.map((replica) => replica.id));
    for (const member of this.members) {
      // A member holds the replica its tunnel reached (claimed at the banner, before the list
      // may have arrived); one aimed at a replica that left is free again.
      const reached = member.keeper.replicaId;
      if (reached !== undefined) member.target = reached;
      else if (member.target !== undefined && !live.has(member.target)) member.target = undefined;
    }
    const held = new Set([...this.members].map((member) => member.target));
    const free = [...this.members].filter((member) => member.target === undefined);
    for (const replica of this.replicas.filter((r) => !held.has(r.id))) {
      const member = free.shift();
      if (member) {
        member.target = replica.id;
        member.keeper.redialNow();
      } else this.add(replica.id);
    }
    // Spare members (replicas went away) stop, keeping one so the agent always dials.
    for (const member of free) {
      if (this.members.size <= Math.max(1, this.replicas.length)) break;
      this.members.delete(member);
      void member.keeper.stop();
    }
  }
}
