import { RefusalReason } from "@warren/hub-client";
import type { AgentPlacement, JoinRefusal } from "@warren/proto";

import { boundedPlacement, placementToWire } from "../tunnel/agent-placement.js";
import type { JoinTokenRecord } from "@warren/store";

/** Distinct (token, reason) pairs kept; the oldest goes first. */
const MAX_ENTRIES = 200;
/** Distinct (token, reason) pairs one address may add, so one caller cannot fill the list. */
const MAX_ENTRIES_PER_PEER = 10;
const MAX_REQUESTED_NAME = 63;
/** Reports of pinned agents kept apart, so callers who need no token cannot push out the rest. */
const MAX_PIN_REPORTS = 50;
const MAX_PIN_REPORTS_PER_PEER = 2;

/** An agent's word that it pins another CA than this hub's (see ReportPinMismatch). */
export interface PinMismatchReport {
  clusterName: string;
  pinnedCaPin: string;
  peer: string;
  placement?: Partial<AgentPlacement> | undefined;
  at: Date;
}

type Kept = JoinRefusal & { addedBy: string };

/** Adds `entry` under `key` (counted again when there), oldest out past `max`. */
function keep(
  map: Map<string, Kept>,
  key: string,
  entry: Omit<Kept, "count" | "firstAtUnixMs" | "addedBy">,
  max: number,
): void {
  const existing = map.get(key);
  map.delete(key);
  map.set(key, {
    ...entry,
    count: (existing?.count ?? 0) + 1,
    firstAtUnixMs: existing?.firstAtUnixMs ?? entry.lastAtUnixMs,
    addedBy: existing?.addedBy ?? entry.peer,
  });
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

const countAddedBy = (map: Map<string, Kept>, peer: string) =>
  [...map.values()].filter((entry) => entry.addedBy === peer).length;

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
  private readonly byKey = new Map<string, Kept>();
  private readonly pinReports = new Map<string, Kept>();

  record(refused: RefusedJoin): void {
    const key = `${refused.token.id}\u0000${refused.reason}`;
    if (!this.byKey.has(key) && countAddedBy(this.byKey, refused.peer) >= MAX_ENTRIES_PER_PEER)
      return;
    const requested = refused.requestedCluster.slice(0, MAX_REQUESTED_NAME);
    const entry = {
      tokenId: refused.token.id,
      clusterName: refused.token.clusterName ?? "",
      requestedClusterName: requested === refused.token.clusterName ? "" : requested,
      reason: refused.reason,
      message: refused.message,
      peer: refused.peer,
      lastAtUnixMs: refused.at.getTime(),
      placement: placementToWire(boundedPlacement(refused.placement)),
      pinnedCaPin: "",
    };
    keep(this.byKey, key, entry, MAX_ENTRIES);
  }

  /** Keeps a pinned agent's report, by cluster, pin and address; the caller names are checked. */
  recordPinMismatch(report: PinMismatchReport): void {
    const key = `${report.clusterName}\u0000${report.pinnedCaPin}\u0000${report.peer}`;
    if (
      !this.pinReports.has(key) &&
      countAddedBy(this.pinReports, report.peer) >= MAX_PIN_REPORTS_PER_PEER
    )
      return;
    const entry = {
      tokenId: "",
      clusterName: report.clusterName,
      requestedClusterName: "",
      reason: RefusalReason.CaPinMismatch,
      message: `an agent pinned to CA ${report.pinnedCaPin} will not join this hub`,
      peer: report.peer,
      lastAtUnixMs: report.at.getTime(),
      placement: placementToWire(boundedPlacement(report.placement)),
      pinnedCaPin: report.pinnedCaPin,
    };
    keep(this.pinReports, key, entry, MAX_PIN_REPORTS);
  }

  /** Newest first. */
  list(): JoinRefusal[] {
    return [...this.byKey.values(), ...this.pinReports.values()]
      .sort((a, b) => b.lastAtUnixMs - a.lastAtUnixMs)
      .map(({ addedBy: _, ...refusal }) => refusal);
  }
}
