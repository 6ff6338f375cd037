import { formatLabels } from "@warren/identity";
import { TokenType, type CreateTokenResponse } from "@warren/proto";

import type { Command, CommandContext } from "../../command.js";
import { countFlag, durationFlag, labelsFlag, stringFlag } from "../../flag-values.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { timeWithRelative } from "../../output/time.js";
import { tokenTypeName, tokenTypeToWire } from "./token-type.js";

const MAX_USES = 10_000;

function installHint(created: CreateTokenResponse): string {
  const pin = created.caPins[0] ?? "";
  if (tokenTypeName(created.info?.type ?? TokenType.TOKEN_TYPE_UNSPECIFIED) === "admin") {
    return [
      "On the machine to administer from, run:",
      "",
      `  warrenctl auth login --hub ${created.hubAddr} --ca-pin ${pin} --name YOUR_NAME \\`,
      `    --token ${created.token}`,
    ].join("\n");
  }
  return [
    "Install the agent in a cluster with it (set the cluster's name):",
    "",
    "  helm install warren-agent charts/kube-agent -n warren --create-namespace \\",
    `    --set hubAddr=${created.hubAddr} \\`,
    `    --set authToken=${created.token} \\`,
    `    --set caPin=${pin} \\`,
    "    --set kubeClusterName=CLUSTER_NAME",
  ].join("\n");
}

function text(created: CreateTokenResponse, now: Date): string {
  const info = created.info;
  const uses = info?.usesTotal ?? 0;
  return [
    "The token, shown only now (the hub keeps only its hash):",
    "",
    `  ${created.token}`,
    "",
    `ID:       ${info?.id ?? ""}`,
    `Type:     ${tokenTypeName(info?.type ?? TokenType.TOKEN_TYPE_UNSPECIFIED)}`,
    `Expires:  ${timeWithRelative(new Date(info?.expiresAtUnixMs ?? 0), now)}`,
    `Uses:     ${uses} ${uses === 1 ? "join" : "joins"}`,
    `Labels:   ${formatLabels(info?.labels ?? {}) || "(none)"}`,
    `CA pin:   ${created.caPins.join(", ")}`,
    "",
    installHint(created),
    "",
  ].join("\n");
}

export const tokensAdd: Command = {
  noun: "tokens",
  verb: "add",
  summary: "mint a join token (kube: joins an agent; admin: enrols warrenctl elsewhere)",
  flags: {
    type: { type: "string" },
    ttl: { type: "string" },
    uses: { type: "string" },
    labels: { type: "string" },
    ...FORMAT_FLAG,
  },
  flagHelp: [
    "--type kube|admin   what the token is for (required)",
    "--ttl DURATION      how long it lives, e.g. 30m, 8h (default: the hub's token_ttl)",
    "--uses N            how many joins it allows, e.g. one per replica (default 1)",
    "--labels k=v,...    labels every cluster joined with it gets (kube tokens)",
    FORMAT_HELP,
  ],
  async run(context: CommandContext, flags) {
    const format = formatOf(flags);
    const request = {
      type: tokenTypeToWire(stringFlag(flags, "type")),
      ttlMs: durationFlag(flags, "ttl") ?? 0,
      uses: countFlag(flags, "uses", MAX_USES) ?? 0,
      labels: labelsFlag(flags, "labels"),
    };
    const hub = await context.hub();
    const created = await hub.call(hub.admin.createToken.bind(hub.admin), request);
    const info = created.info;
    if (format === "json") {
      context.stdout.write(
        json({
          id: info?.id,
          token: created.token,
          type: tokenTypeName(info?.type ?? TokenType.TOKEN_TYPE_UNSPECIFIED),
          expiresAt: new Date(info?.expiresAtUnixMs ?? 0).toISOString(),
          uses: info?.usesTotal,
          labels: info?.labels ?? {},
          hubAddr: created.hubAddr,
          caPins: created.caPins,
        }),
      );
    } else {
      context.stdout.write(text(created, context.now()));
    }
  },
};
