import type { JoinRefusal } from "@warren/proto";

import { humanDuration } from "../../output/time.js";
import type { Finding } from "./finding.js";

/** Refusals older than this are history, not a problem now. */
const RECENT_MS = 3_600_000;
const NEW_TOKEN =
  "mint a token here (warrenctl tokens add --type kube) and give it to the agent: helm upgrade " +
  "warren-agent charts/kube-agent -n warren --reuse-values --set authToken=NEW_TOKEN";

function fix(reason: string): string {
  if (reason === "unknown_token") {
    return (
      `${NEW_TOKEN}; it re-joins by itself. If it runs with --no-auto-rejoin, also reset its ` +
      "identity: kubectl -n warren delete secret warren-agent-0-state, then restart it"
    );
  }
  if (reason === "expired_token" || reason === "token_used_up") return NEW_TOKEN;
  return "read the agent's log on that cluster: kubectl -n warren logs statefulset/warren-agent";
}

function problem(refusal: JoinRefusal, now: Date): string {
  const when = `${String(refusal.count)} time(s), last ${humanDuration(now.getTime() - refusal.lastAtUnixMs)} ago, from ${refusal.peer}`;
  if (refusal.reason === "unknown_token") {
    return (
      `an agent keeps joining with a token this hub never issued (${when}): as after the hub ` +
      "was recreated or lost its data, the agent holds an identity and token from another CA"
    );
  }
  return `an agent's joins are refused: ${refusal.message} (${when})`;
}

/** Agents failing to join lately: from the hub's side, how a hub whose CA changed looks. */
export function joinRefusalFindings(
  refusals: readonly JoinRefusal[],
  connectedClusters: ReadonlySet<string>,
  only: string | undefined,
  now: Date,
): Finding[] {
  return (
    refusals
      .filter((r) => now.getTime() - r.lastAtUnixMs < RECENT_MS)
      .filter((r) => (only === undefined ? true : r.clusterName === only))
      // A cluster that is connected got past it (another replica, or a later join).
      .filter((r) => !connectedClusters.has(r.clusterName))
      .map((r) => ({
        subject: `cluster "${r.clusterName}"`,
        problem: problem(r, now),
        fix: fix(r.reason),
      }))
  );
}
