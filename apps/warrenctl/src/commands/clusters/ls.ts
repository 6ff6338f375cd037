import { formatLabels } from "@warren/identity";
import {
  healthStateName,
  type AgentInfo,
  type ClusterHealth,
  type ClusterInfo,
} from "@warren/proto";

import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";
import { humanDuration } from "../../output/time.js";

const optionalTime = (unixMs: number) => (unixMs === 0 ? null : new Date(unixMs).toISOString());

function healthJson(health: ClusterHealth | undefined) {
  if (!health) return null;
  return {
    state: healthStateName(health.state),
    reason: health.reason,
    missingPermissions: health.missingPermissions,
    statusCode: health.statusCode || null,
    detail: health.detail || null,
    checkedAt: optionalTime(health.checkedAtUnixMs),
  };
}

/** What the table shows of a health: connected agents only, since others report nothing. */
const healthCell = (agent: AgentInfo) =>
  !agent.connected ? "-" : agent.health ? healthStateName(agent.health.state) : "checking";

function agentJson(agent: AgentInfo) {
  return {
    agentId: agent.agentId,
    version: agent.version,
    connected: agent.connected,
    connectedAt: optionalTime(agent.connectedAtUnixMs),
    lastHeartbeatAt: optionalTime(agent.lastHeartbeatUnixMs),
    tunnelRttMs: agent.connected ? agent.tunnelRttMs : null,
    certificateExpiresAt: new Date(agent.certificateExpiresAtUnixMs).toISOString(),
    health: agent.connected ? healthJson(agent.health) : null,
    // Where the agent says it runs (empty fields: it did not say).
    placement: {
      namespace: agent.placement?.namespace ?? "",
      pod: agent.placement?.pod ?? "",
      statefulSet: agent.placement?.statefulSet ?? "",
      helmRelease: agent.placement?.helmRelease ?? "",
      chartVersion: agent.placement?.chartVersion ?? "",
    },
  };
}

function rows(clusters: readonly ClusterInfo[], now: Date): string[][] {
  return clusters.flatMap((cluster) =>
    cluster.agents.map((agent) => [
      cluster.name,
      formatLabels(cluster.labels),
      agent.agentId,
      agent.connected ? "yes" : "no",
      healthCell(agent),
      agent.connected ? `${agent.tunnelRttMs.toFixed(1)}ms` : "-",
      agent.lastHeartbeatUnixMs === 0
        ? "-"
        : `${humanDuration(now.getTime() - agent.lastHeartbeatUnixMs)} ago`,
      agent.version,
    ]),
  );
}

/** Below the table: why each connected agent that is not healthy says so. */
function healthReasons(clusters: readonly ClusterInfo[]): string {
  const lines = clusters.flatMap((cluster) =>
    cluster.agents
      .filter((a) => a.connected && a.health && healthStateName(a.health.state) !== "healthy")
      .map((a) => `  ${cluster.name} (${a.agentId}): ${a.health?.reason ?? ""}`),
  );
  return lines.length === 0 ? "" : `\nNot healthy:\n${lines.join("\n")}\n`;
}

export const clustersLs: Command = {
  noun: "clusters",
  verb: "ls",
  summary: "list clusters and their agents, connected or not",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { clusters } = await hub.call(hub.admin.listClusters.bind(hub.admin), {});
    if (format === "json") {
      context.stdout.write(
        json(
          clusters.map((c) => ({
            name: c.name,
            labels: c.labels,
            agents: c.agents.map(agentJson),
          })),
        ),
      );
      return;
    }
    if (clusters.length === 0) {
      context.stdout.write(
        "No clusters have joined. Mint a token with: warrenctl tokens add --type kube\n",
      );
      return;
    }
    const header = [
      "CLUSTER",
      "LABELS",
      "AGENT",
      "CONNECTED",
      "HEALTH",
      "RTT",
      "LAST HEARTBEAT",
      "VERSION",
    ];
    context.stdout.write(table(header, rows(clusters, context.now())));
    context.stdout.write(healthReasons(clusters));
  },
};
