import { errorFields, type Logger } from "@warren/log";
import type { HubReplicaRecord, HubStore } from "@warren/store";

import type { Clock } from "../clock.js";

/** A replica is gone once it has missed this many heartbeats. */
const MISSED_HEARTBEATS = 3;

export interface ReplicaDirectoryOptions {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  /** This replica: its id (its SSH banner names it) and where agents reach its tunnel. */
  self: { id: string; tunnelAddr: string };
  heartbeatIntervalMs: number;
  /** Called with the live replicas each time the set (ids or addresses) changes. */
  onChange(replicas: readonly HubReplicaRecord[]): void;
}

const signature = (replicas: readonly HubReplicaRecord[]) =>
  replicas.map((r) => `${r.id}@${r.tunnelAddr}`).join(",");

/**
 * Replicas find each other through the store: each writes a heartbeat with its tunnel
 * address, and reads who else is alive. A replica that starts or stops says so on the change
 * feed, so the others (and through them every agent) learn at once rather than at the next
 * heartbeat; one that dies silently drops out after three missed heartbeats.
 */
export class ReplicaDirectory {
  private replicas: readonly HubReplicaRecord[] = [];
  private readonly startedAt: Date;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReplicaDirectoryOptions) {
    this.startedAt = options.clock.now();
  }

  get id(): string {
    return this.options.self.id;
  }

  /** The live replicas as last read, oldest first. */
  get live(): readonly HubReplicaRecord[] {
    return this.replicas;
  }

  async start(): Promise<void> {
    // A store only one hub can use (SQLite): any other row is this hub before a crash.
    if (!this.options.store.shared) {
      await this.options.store.replicas.deleteSeenBefore(
        new Date(this.options.clock.now().getTime() + 60_000),
      );
    }
    await this.beat();
    await this.options.store.changes.publish({ kind: "replicas" });
    this.timer = setInterval(() => {
      this.beat().catch((error: unknown) => {
        this.options.logger.warn(errorFields(error), "could not record this replica's heartbeat");
      });
    }, this.options.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Leaves the directory so agents stop dialing this replica at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    try {
      await this.options.store.replicas.remove(this.id);
      await this.options.store.changes.publish({ kind: "replicas" });
    } catch (error) {
      this.options.logger.warn(errorFields(error), "could not remove this replica from the store");
    }
  }

  /** Reads the live replicas again (another one started, stopped, or the feed resynced). */
  async refresh(): Promise<void> {
    const { store, clock, heartbeatIntervalMs } = this.options;
    const since = new Date(clock.now().getTime() - MISSED_HEARTBEATS * heartbeatIntervalMs);
    const live = await store.replicas.live(since);
    const changed = signature(live) !== signature(this.replicas);
    this.replicas = live;
    if (changed) {
      this.options.logger.info(
        { replicas: live.map((r) => ({ id: r.id, tunnelAddr: r.tunnelAddr })) },
        "hub replicas changed",
      );
      this.options.onChange(live);
    }
  }

  private async beat(): Promise<void> {
    const { store, clock, self, heartbeatIntervalMs } = this.options;
    const now = clock.now();
    await store.replicas.heartbeat({ ...self, startedAt: this.startedAt, seenAt: now });
    // Long-dead rows go; recently silent ones only drop out of the live list.
    await store.replicas.deleteSeenBefore(new Date(now.getTime() - 100 * heartbeatIntervalMs));
    await this.refresh();
  }
}
