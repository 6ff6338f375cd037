import { formatLabels } from "@warren/identity";
import type { AgentInfo, ClusterInfo } from "@warren/proto";

import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";
import { humanDuration } from "../../output/time.js";

const optionalTime = (unixMs: number) => (unixMs === 0 ? null : new Date(unixMs).toISOString());

function agentJson(agent: AgentInfo) {
  return {
    agentId: agent.agentId,
    version: agent.version,
    connected: agent.connected,
    connectedAt: optionalTime(agent.connectedAtUnixMs),
    lastHeartbeatAt: optionalTime(agent.lastHeartbeatUnixMs),
    tunnelRttMs: agent.connected ? agent.tunnelRttMs : null,
    certificateExpiresAt: new Date(agent.certificateExpiresAtUnixMs).toISOString(),
  };
}

function rows(clusters: readonly ClusterInfo[], now: Date): string[][] {
  return clusters.flatMap((cluster) =>
    cluster.agents.map((agent) => [
      cluster.name,
      formatLabels(cluster.labels),
      agent.agentId,
      agent.connected ? "yes" : "no",
      agent.connected ? `${agent.tunnelRttMs.toFixed(1)}ms` : "-",
      agent.lastHeartbeatUnixMs === 0
        ? "-"
        : `${humanDuration(now.getTime() - agent.lastHeartbeatUnixMs)} ago`,
      agent.version,
    ]),
  );
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
    const header = ["CLUSTER", "LABELS", "AGENT", "CONNECTED", "RTT", "LAST HEARTBEAT", "VERSION"];
    context.stdout.write(table(header, rows(clusters, context.now())));
  },
};
