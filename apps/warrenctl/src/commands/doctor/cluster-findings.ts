import { healthStateName, type AgentInfo, type ClusterInfo } from "@warren/proto";

import type { Finding } from "./finding.js";

const AGENT_LOGS = "kubectl -n warren logs statefulset/warren-agent";

/** The fix for each health state an agent can report. */
function healthFix(state: string, agent: AgentInfo): string {
  switch (state) {
    case "cannot_contact":
      return (
        "from the agent's cluster, check the API server and the network to it: kubectl " +
        "cluster-info; kubectl get --raw /readyz"
      );
    case "missing_permissions":
      return (
        "helm upgrade warren-agent charts/kube-agent -n warren --reuse-values --set " +
        `rbac.create=true, or bind the agent's ServiceAccount to a ClusterRole granting: ${
          agent.health?.missingPermissions.join(", ") ?? ""
        }`
      );
    case "unhealthy_status":
      return `on that cluster: kubectl get --raw '/readyz?verbose' (it said: ${
        agent.health?.detail.split("\n").find((line) => line.startsWith("[-]")) ?? "see the detail"
      })`;
    case "cannot_check_permissions":
      return (
        "let the agent's ServiceAccount create selfsubjectaccessreviews.authorization.k8s.io " +
        "(the kube-agent chart's ClusterRole does); see " +
        AGENT_LOGS
      );
    default:
      return `see ${AGENT_LOGS}`;
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

/** Offline clusters and every connected agent's unhealthy state. */
export function clusterFindings(clusters: readonly ClusterInfo[]): Finding[] {
  return clusters.flatMap((cluster) => {
    if (!cluster.agents.some((a) => a.connected)) {
      return [
        {
          subject: `cluster "${cluster.name}"`,
          problem: "offline: none of its agents is connected to the hub",
          fix:
            `read the agent's log on that cluster (${AGENT_LOGS}); if it says the hub's CA ` +
            "changed, reset its identity: kubectl -n warren delete secret warren-agent-0-state, " +
            "then kubectl -n warren rollout restart statefulset/warren-agent",
        },
      ];
    }
    return cluster.agents.flatMap((agent) => agentFindings(cluster, agent));
  });
}
