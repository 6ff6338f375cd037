import { formatLabels } from "@warren/identity";
import type { TokenInfo } from "@warren/proto";

import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json, unlessEmpty } from "../../output/format.js";
import { table } from "../../output/table.js";
import { timeWithRelative } from "../../output/time.js";
import { tokenTypeName } from "./token-type.js";

function statusOf(token: TokenInfo, now: Date): string {
  if (token.expiresAtUnixMs <= now.getTime()) return "expired";
  return token.usesRemaining === 0 ? "used up" : "active";
}

export const tokensLs: Command = {
  noun: "tokens",
  verb: "ls",
  summary: "list join tokens (never their secrets)",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { tokens } = await hub.call(hub.admin.listTokens.bind(hub.admin), {});
    const now = context.now();
    if (format === "json") {
      context.stdout.write(
        json(
          tokens.map((token) => ({
            id: token.id,
            type: tokenTypeName(token.type),
            status: statusOf(token, now),
            expiresAt: new Date(token.expiresAtUnixMs).toISOString(),
            usesRemaining: token.usesRemaining,
            usesTotal: token.usesTotal,
            cluster: unlessEmpty(token.clusterName),
            labels: token.labels,
            agentLabelKeys: token.agentLabelKeys,
            admin: unlessEmpty(token.adminName),
            createdAt: new Date(token.createdAtUnixMs).toISOString(),
          })),
        ),
      );
      return;
    }
    if (tokens.length === 0) {
      context.stdout.write(
        "No join tokens. Mint one with: warrenctl tokens add --type kube --cluster NAME\n",
      );
      return;
    }
    context.stdout.write(
      table(
        ["ID", "TYPE", "FOR", "STATUS", "USES LEFT", "EXPIRES", "LABELS"],
        tokens.map((token) => [
          token.id,
          tokenTypeName(token.type),
          token.adminName || token.clusterName || "(any new cluster)",
          statusOf(token, now),
          `${token.usesRemaining}/${token.usesTotal}`,
          timeWithRelative(new Date(token.expiresAtUnixMs), now),
          formatLabels(token.labels),
        ]),
      ),
    );
  },
};
