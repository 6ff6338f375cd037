import { sameLabels, type Labels } from "@warren/identity";
import type { Logger } from "@warren/log";
import { HealthState, healthStateName, type ClusterHealth } from "@warren/proto";

import type { UpstreamClient } from "../proxy/upstream-request.js";
import { checkClusterHealth } from "./cluster-health.js";
import { detectClusterLabels } from "./detected-labels.js";

/** Same state, same missing permissions, same status: a repeat, not a change. */
const sameHealth = (a: ClusterHealth, b: ClusterHealth) =>
  a.state === b.state &&
  a.statusCode === b.statusCode &&
  a.systemMastersRefused === b.systemMastersRefused &&
  a.missingPermissions.join() === b.missingPermissions.join();

/**
 * Checks the cluster's health every intervalMs and on demand, keeps the latest result for
 * the heartbeats, and logs a change of state once (not every period). Each check also asks
 * the API server what it is (see detectClusterLabels).
 */
export class HealthMonitor {
  private latest: ClusterHealth | undefined;
  private detected: Labels = {};
  private running: Promise<ClusterHealth> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(health: ClusterHealth) => void>();

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  /** The last result; undefined until the first check finishes. */
  get health(): ClusterHealth | undefined {
    return this.latest;
  }

  start(): void {
    void this.checkNow();
    this.timer = setInterval(() => void this.checkNow(), this.intervalMs);
    this.timer.unref();
  }

  /** What the API server said about its cluster last; empty until it said. */
  get detectedLabels(): Labels {
    return this.detected;
  }

  /** Runs a check now (or joins the one running) and resolves with its result. */
  checkNow(): Promise<ClusterHealth> {
    this.running ??= Promise.all([
      checkClusterHealth(this.upstream),
      detectClusterLabels(this.upstream),
    ]).then(([health, labels]) => {
      this.running = undefined;
      this.recordLabels(labels);
      this.record(health);
      return health;
    });
    return this.running;
  }

  /** Calls `listener` on each change of state or labels (the heartbeats report it at once). */
  onChange(listener: (health: ClusterHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Kept when the API server said something new; an unanswered check keeps the last. */
  private recordLabels(labels: Labels | undefined): void {
    if (!labels || sameLabels(labels, this.detected)) return;
    this.detected = labels;
    this.logger.info({ labels }, "the cluster's detected labels");
    if (this.latest) for (const listener of this.listeners) listener(this.latest);
  }

  private record(health: ClusterHealth): void {
    const previous = this.latest;
    this.latest = health;
    if (previous && sameHealth(previous, health)) return;
    for (const listener of this.listeners) listener(health);
    const fields = {
      state: healthStateName(health.state),
      reason: health.reason,
      ...(health.missingPermissions.length > 0 ? { missing: health.missingPermissions } : {}),
      ...(health.statusCode ? { statusCode: health.statusCode } : {}),
      ...(health.detail ? { detail: health.detail } : {}),
    };
    if (health.state === HealthState.HEALTH_STATE_HEALTHY)
      this.logger.info(fields, "cluster health changed");
    else this.logger.warn(fields, "cluster health changed");
  }
}
