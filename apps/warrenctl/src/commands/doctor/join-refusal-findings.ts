import type { JoinRefusal } from "@warren/proto";

import { humanDuration } from "../../output/time.js";
import { agentLogs, assumedNames, helmUpgrade, placeOf } from "./agent-place.js";
import type { Finding } from "./finding.js";

/** Refusals older than this are history, not a problem now. */
const RECENT_MS = 3_600_000;

function fix(refusal: JoinRefusal, hubPin: string): string {
  const place = placeOf(refusal.placement);
  return `${fixNamed(refusal, place, hubPin)}${assumedNames([place])}`;
}

function fixNamed(refusal: JoinRefusal, place: ReturnType<typeof placeOf>, hubPin: string): string {
  const cluster = refusal.clusterName || "CLUSTER";
  const newToken = (name: string) =>
    `mint a token for it (warrenctl tokens add --type kube --cluster ${name}) and give it to ` +
    `the agent: ${helmUpgrade(place, "--set authToken=NEW_TOKEN")}`;
  switch (refusal.reason) {
    case "expired_token":
    case "token_used_up":
      return newToken(cluster);
    case "token_name_mismatch":
      return (
        `if the agent is yours, set its cluster name to ${cluster} ` +
        `(${helmUpgrade(place, `--set kubeClusterName=${cluster}`)}); if not, someone else ` +
        "holds the token: delete it with " +
        `warrenctl tokens rm ${refusal.tokenId}`
      );
    case "cluster_exists":
      return newToken(refusal.requestedClusterName || cluster);
    case "ca_pin_mismatch":
      return (
        "if this hub replaced the one the agent pins, mint a token here and give the agent both " +
        `(warrenctl tokens add --type kube --cluster ${cluster}, then ` +
        `${helmUpgrade(place, `--set authToken=NEW_TOKEN --set caPin=${hubPin}`)}): it re-joins ` +
        "by itself, replacing its old identity; if the agent is not yours, leave it"
      );
    case "service_account_token_rejected":
      return (
        "give the agent a projected ServiceAccount token whose audience is this hub's name " +
        `(${helmUpgrade(place, "--set joinParams.audience=HUB_NAME")}, see warrenctl status), ` +
        "or refresh " +
        `the provision token's JWKS from that cluster (${refusal.tokenId.replace(/^provision\//, "")})`
      );
    case "service_account_not_allowed":
      return (
        `add the agent's ServiceAccount to spec.kubernetes.allow of provision token ` +
        `${refusal.tokenId.replace(/^provision\//, "")} (warrenctl create -f), or run the agent as an allowed one`
      );
    default:
      return `read the agent's log on that cluster: ${agentLogs(place)}`;
  }
}

function problem(refusal: JoinRefusal, now: Date): string {
  const when = `${String(refusal.count)} time(s), last ${humanDuration(now.getTime() - refusal.lastAtUnixMs)} ago, from ${refusal.peer}`;
  if (refusal.reason === "token_name_mismatch" && refusal.requestedClusterName) {
    return (
      `an agent with join token ${refusal.tokenId}, minted for this cluster, asked to join as ` +
      `"${refusal.requestedClusterName}" and was refused (${when})`
    );
  }
  if (refusal.reason === "ca_pin_mismatch") {
    return (
      `an agent says it is this cluster's and pins CA ${refusal.pinnedCaPin}, not this hub's, so ` +
      `it sends no join token here (its own report, unverified: ${when})`
    );
  }
  return `joins with token ${refusal.tokenId} are refused: ${refusal.message} (${when})`;
}

/**
 * Agents failing to join lately with tokens this hub minted (refusals of unknown tokens are
 * not kept: their callers chose every word of them), and agents pinned to another CA that
 * said so (few are kept, and shown as their word).
 */
export function joinRefusalFindings(
  refusals: readonly JoinRefusal[],
  connectedClusters: ReadonlySet<string>,
  only: string | undefined,
  now: Date,
  hubPin: string,
): Finding[] {
  return (
    refusals
      .filter((r) => now.getTime() - r.lastAtUnixMs < RECENT_MS)
      .filter((r) => (only === undefined ? true : r.clusterName === only))
      // A cluster that is connected got past it (another replica, or a later join), unless
      // someone tried to use its token for another name.
      .filter((r) => r.reason === "token_name_mismatch" || !connectedClusters.has(r.clusterName))
      .map((r) => ({
        subject: r.clusterName ? `cluster "${r.clusterName}"` : "an admin token",
        problem: problem(r, now),
        fix: fix(r, hubPin),
      }))
  );
}
