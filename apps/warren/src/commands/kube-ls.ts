import { healthStateName, type KubeClusterSummary } from "@warren/proto";

import type { Command } from "../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf } from "../flag-values.js";
import { callHub } from "../hub-calls.js";
import { HUB_FLAG, HUB_HELP, userSession } from "../user-session.js";

const health = (cluster: KubeClusterSummary) =>
  cluster.agentsConnected === 0
    ? "offline"
    : cluster.health
      ? healthStateName(cluster.health.state)
      : "unknown";

const labels = (cluster: KubeClusterSummary) =>
  Object.entries(cluster.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

export const kubeLs: Command = {
  words: ["kube", "ls"],
  summary: "the clusters your roles reach, with labels and health",
  flags: { ...HUB_FLAG, ...FORMAT_FLAG },
  flagHelp: [HUB_HELP, FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const { profile, client } = await userSession(context, flags);
    try {
      const { clusters } = await callHub(profile.hubAddr, client.listKubeClusters.bind(client), {});
      if (format === "json") {
        const rows = clusters.map((c) => ({
          name: c.name,
          labels: c.labels,
          health: health(c),
          reason: c.health?.reason ?? "",
          agentsConnected: c.agentsConnected,
          context: `${profile.hubName}-${c.name}`,
        }));
        context.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (clusters.length === 0) {
        context.stdout.write("Your roles reach no cluster on this hub yet: ask an admin.\n");
        return;
      }
      const width = Math.max(7, ...clusters.map((c) => c.name.length)) + 2;
      const lines = clusters.map(
        (c) => `${c.name.padEnd(width)}${health(c).padEnd(24)}${labels(c)}`,
      );
      context.stdout.write(
        `${["CLUSTER".padEnd(width) + "HEALTH".padEnd(24) + "LABELS", ...lines].join("\n")}\n`,
      );
    } finally {
      client.close();
    }
  },
};
