import type { JoinRefusal } from "@warren/proto";

/** Distinct (cluster, reason) pairs kept; the oldest goes first. */
const MAX_ENTRIES = 200;

/**
 * The joins the hub refused lately, counted by cluster and reason, in memory: what an agent
 * that keeps failing to join looks like from here (a recreated hub sees its old token as
 * unknown), for warrenctl doctor. Nothing secret is kept: never the token.
 */
export class JoinRefusals {
  private readonly byKey = new Map<string, JoinRefusal>();

  record(clusterName: string, reason: string, message: string, peer: string, at: Date): void {
    const key = `${clusterName}\u0000${reason}`;
    const existing = this.byKey.get(key);
    this.byKey.delete(key);
    this.byKey.set(key, {
      clusterName,
      reason,
      message,
      peer,
      count: (existing?.count ?? 0) + 1,
      firstAtUnixMs: existing?.firstAtUnixMs ?? at.getTime(),
      lastAtUnixMs: at.getTime(),
    });
    if (this.byKey.size > MAX_ENTRIES) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.byKey.delete(oldest);
    }
  }

  /** Newest first. */
  list(): JoinRefusal[] {
    return [...this.byKey.values()].reverse();
  }
}
