import { healthStateName, type AgentInfo, type ClusterInfo } from "@warren/proto";

import {
  agentLogs,
  assumedNames,
  helmUpgrade,
  placeOf,
  resetCommands,
  type AgentPlace,
} from "./agent-place.js";
import type { Finding } from "./finding.js";

/** The fix for each health state an agent can report. */
function healthFix(state: string, agent: AgentInfo): string {
  const place = placeOf(agent.placement);
  const names = assumedNames([place]);
  switch (state) {
    case "cannot_contact":
      return (
        "from the agent's cluster, check the API server and the network to it: kubectl " +
        "cluster-info; kubectl get --raw /readyz"
      );
    case "missing_permissions":
      return (
        `${helmUpgrade(place, "--set rbac.create=true")}, or bind the agent's ServiceAccount ` +
        `to a ClusterRole granting: ${agent.health?.missingPermissions.join(", ") ?? ""}${names}`
      );
    case "unhealthy_status":
      return `on that cluster: kubectl get --raw '/readyz?verbose' (it said: ${
        agent.health?.detail.split("\n").find((line) => line.startsWith("[-]")) ?? "see the detail"
      })`;
    case "cannot_check_permissions":
      return (
        "let the agent's ServiceAccount create selfsubjectaccessreviews.authorization.k8s.io " +
        `(the kube-agent chart's ClusterRole does); see ${agentLogs(place)}${names}`
      );
    default:
      return `see ${agentLogs(place)}${names}`;
  }
}

function agentFindings(cluster: ClusterInfo, agent: AgentInfo): Finding[] {
  if (!agent.connected || !agent.health) return [];
  const state = healthStateName(agent.health.state);
  if (state === "healthy") return [];
  return [
    {
      subject: `cluster "${cluster.name}" (agent ${agent.agentId})`,
      problem: `${state}: ${agent.health.reason}`,
      fix: healthFix(state, agent),
    },
  ];
}

/** An offline cluster: read its agents' logs; after a CA change, reset every replica. */
function offlineFix(places: readonly AgentPlace[]): string {
  const logs = [...new Set(places.map(agentLogs))].join("; ");
  return (
    `read the agent's log on that cluster (${logs}); if it says the hub's CA changed, reset ` +
    `its identity: ${resetCommands(places)}${assumedNames(places)}`
  );
}

/** Offline clusters and every connected agent's unhealthy state. */
export function clusterFindings(clusters: readonly ClusterInfo[]): Finding[] {
  return clusters.flatMap((cluster) => {
    if (!cluster.agents.some((a) => a.connected)) {
      const places = cluster.agents.map((agent) => placeOf(agent.placement));
      return [
        {
          subject: `cluster "${cluster.name}"`,
          problem: "offline: none of its agents is connected to the hub",
          fix: offlineFix(places.length > 0 ? places : [placeOf(undefined)]),
        },
      ];
    }
    return cluster.agents.flatMap((agent) => agentFindings(cluster, agent));
  });
}
