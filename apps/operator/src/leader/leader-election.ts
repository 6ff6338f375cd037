import type { Logger } from "@warren/log";
import { errorFields } from "@warren/log";

import type { KubeRest } from "../kube/kube-rest.js";
import { statusMessage } from "../kube/kube-rest.js";

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectionOptions {
  rest: KubeRest;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  logger: Logger;
}

/** MicroTime: RFC 3339 with exactly six fractional digits, as the API server parses it. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

/**
 * Leader election on a coordination.k8s.io Lease, as client-go's leaderelection does: the
 * holder renews it; the others take it over once it has gone unrenewed for its duration (timed
 * on their own clock from when they last saw it change, so clock skew does not matter).
 */
export class LeaderElector {
  private observed = { record: "", atMs: 0 };
  private leading = false;
  private lastRenewMs = 0;
  private waitingLogged = false;

  constructor(private readonly options: LeaderElectionOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  private get path(): string {
    const { namespace, name } = this.options;
    return `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${name}`;
  }

  private get leaseId(): string {
    return `${this.options.namespace}/${this.options.name}`;
  }

  /**
   * One round: acquires or renews when it can. Returns whether this replica leads now; a
   * leader that could not renew within the lease's duration is told it lost.
   */
  async tryAcquireOrRenew(nowMs = Date.now()): Promise<boolean> {
    try {
      this.leading = await this.attempt(nowMs);
      if (this.leading) this.lastRenewMs = nowMs;
    } catch (error) {
      this.options.logger.warn(
        { lease: this.leaseId, ...errorFields(error) },
        "lease request failed",
      );
      if (this.leading && nowMs - this.lastRenewMs > this.options.leaseDurationMs)
        this.leading = false;
    }
    return this.leading;
  }

  private spec(nowMs: number, previous?: Lease["spec"]): Lease["spec"] {
    const keeps = previous?.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.options.leaseDurationMs / 1000)),
      acquireTime: keeps ? previous.acquireTime : microTime(nowMs),
      renewTime: microTime(nowMs),
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (keeps || !previous ? 0 : 1),
    };
  }

  private async attempt(nowMs: number): Promise<boolean> {
    const { rest, namespace, name, identity } = this.options;
    const got = await rest.request<Lease>("GET", this.path);
    if (got.status === 404) {
      const body = { metadata: { name, namespace }, spec: this.spec(nowMs) };
      const created = await rest.request<Lease>(
        "POST",
        `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
        body,
      );
      if (created.status === 409) return false;
      if (created.status >= 300) throw new Error(`creating lease: ${statusMessage(created)}`);
      this.acquired();
      return true;
    }
    if (got.status >= 300) throw new Error(`reading lease ${this.leaseId}: ${statusMessage(got)}`);
    const lease = got.body;
    const record = `${lease.spec.holderIdentity ?? ""}@${lease.spec.renewTime ?? ""}`;
    if (record !== this.observed.record) this.observed = { record, atMs: nowMs };
    const holder = lease.spec.holderIdentity ?? "";
    const durationMs = (lease.spec.leaseDurationSeconds ?? 15) * 1000;
    const expired = nowMs - this.observed.atMs > durationMs;
    if (holder !== "" && holder !== identity && !expired) {
      if (!this.waitingLogged) {
        this.options.logger.info(
          { lease: this.leaseId, holder },
          `attempting to acquire leader lease ${this.leaseId}...`,
        );
        this.waitingLogged = true;
      }
      return false;
    }
    const updated = await rest.request<Lease>("PUT", this.path, {
      metadata: lease.metadata,
      spec: this.spec(nowMs, lease.spec),
    });
    if (updated.status === 409) return false;
    if (updated.status >= 300) throw new Error(`updating lease: ${statusMessage(updated)}`);
    if (holder !== identity) this.acquired();
    return true;
  }

  private acquired(): void {
    this.waitingLogged = false;
    this.options.logger.info(
      { lease: this.leaseId, identity: this.options.identity },
      "became the leader",
    );
  }

  /** Gives the lease up at once (on shutdown), so another replica need not wait it out. */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    const got = await this.options.rest.request<Lease>("GET", this.path);
    if (got.status !== 200 || got.body.spec.holderIdentity !== this.options.identity) return;
    await this.options.rest.request("PUT", this.path, {
      metadata: got.body.metadata,
      spec: { ...got.body.spec, holderIdentity: "", leaseDurationSeconds: 1 },
    });
    this.options.logger.info({ lease: this.leaseId }, "released the leader lease");
  }
}
