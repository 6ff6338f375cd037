import { formatLabels } from "@warren/identity";

import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";

export const clustersLs: Command = {
  noun: "clusters",
  verb: "ls",
  summary: "list clusters and their agents",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { clusters } = await hub.call(hub.admin.listClusters.bind(hub.admin), {});
    if (format === "json") {
      context.stdout.write(
        json(
          clusters.map((cluster) => ({
            name: cluster.name,
            labels: cluster.labels,
            agents: cluster.agents.map((agent) => ({
              agentId: agent.agentId,
              version: agent.version,
              connected: agent.connected,
              certificateExpiresAt: new Date(agent.certificateExpiresAtUnixMs).toISOString(),
            })),
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
    context.stdout.write(
      table(
        ["NAME", "LABELS", "AGENTS"],
        clusters.map((cluster) => [
          cluster.name,
          formatLabels(cluster.labels),
          String(cluster.agents.length),
        ]),
      ),
    );
  },
};
