import type { AgentPlacement, JoinRefusal } from "@warren/proto";

import { boundedPlacement, placementToWire } from "../tunnel/agent-placement.js";
import type { JoinTokenRecord } from "@warren/store";

/** Distinct (token, reason) pairs kept; the oldest goes first. */
const MAX_ENTRIES = 200;
/** Distinct (token, reason) pairs one address may add, so one caller cannot fill the list. */
const MAX_ENTRIES_PER_PEER = 10;
const MAX_REQUESTED_NAME = 63;

export interface RefusedJoin {
  token: JoinTokenRecord;
  reason: string;
  message: string;
  /** The caller's address, as the throttle counts it. */
  peer: string;
  /** The cluster name the caller asked for. */
  requestedCluster: string;
  /** Where the caller says it runs (an agent's join says). */
  placement?: Partial<AgentPlacement> | undefined;
  at: Date;
}

/**
 * The joins the hub refused lately, in memory, for warrenctl doctor: only refusals of tokens
 * this hub minted, keyed by token and reason. A token nobody minted says nothing trustworthy
 * (its caller chose every field), so it is counted in metrics and throttled, never listed.
 * Nothing secret is kept: never the token.
 */
export class JoinRefusals {
  private readonly byKey = new Map<string, JoinRefusal & { addedBy: string }>();

  record(refused: RefusedJoin): void {
    const key = `${refused.token.id}\u0000${refused.reason}`;
    const existing = this.byKey.get(key);
    if (!existing && this.countAddedBy(refused.peer) >= MAX_ENTRIES_PER_PEER) return;
    this.byKey.delete(key);
    const requested = refused.requestedCluster.slice(0, MAX_REQUESTED_NAME);
    this.byKey.set(key, {
      tokenId: refused.token.id,
      clusterName: refused.token.clusterName ?? "",
      requestedClusterName: requested === refused.token.clusterName ? "" : requested,
      reason: refused.reason,
      message: refused.message,
      peer: refused.peer,
      count: (existing?.count ?? 0) + 1,
      firstAtUnixMs: existing?.firstAtUnixMs ?? refused.at.getTime(),
      lastAtUnixMs: refused.at.getTime(),
      addedBy: existing?.addedBy ?? refused.peer,
      placement: placementToWire(boundedPlacement(refused.placement)),
    });
    if (this.byKey.size > MAX_ENTRIES) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.byKey.delete(oldest);
    }
  }

  private countAddedBy(peer: string): number {
    let count = 0;
    for (const entry of this.byKey.values()) if (entry.addedBy === peer) count++;
    return count;
  }

  /** Newest first. */
  list(): JoinRefusal[] {
    return [...this.byKey.values()].reverse().map(({ addedBy: _, ...refusal }) => refusal);
  }
}
