import { formatLabels } from "@warren/identity";
import { TokenType, type CreateTokenResponse, type TokenInfo } from "@warren/proto";

import type { Command, CommandContext } from "../../command.js";
import { countFlag, durationFlag, labelsFlag, listFlag, stringFlag } from "../../flag-values.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json, unlessEmpty } from "../../output/format.js";
import { timeWithRelative } from "../../output/time.js";
import { tokenTypeName, tokenTypeToWire } from "./token-type.js";

const MAX_USES = 10_000;

function installHint(created: CreateTokenResponse): string {
  const pin = created.caPins[0] ?? "";
  const info = created.info;
  if (tokenTypeName(info?.type ?? TokenType.TOKEN_TYPE_UNSPECIFIED) === "admin") {
    return [
      `On the machine to administer from, ${info?.adminName ?? ""} runs:`,
      "",
      `  warrenctl auth login --hub ${created.hubAddr} --ca-pin ${pin} \\`,
      `    --token ${created.token}`,
    ].join("\n");
  }
  return [
    `Install the agent in cluster ${info?.clusterName ?? ""} with it:`,
    "",
    "  helm install warren-agent charts/kube-agent -n warren --create-namespace \\",
    `    --set hubAddr=${created.hubAddr} \\`,
    `    --set authToken=${created.token} \\`,
    `    --set caPin=${pin} \\`,
    `    --set kubeClusterName=${info?.clusterName ?? ""}`,
  ].join("\n");
}

/** What the token is for: its cluster and the labels it gives, or the admin it enrols. */
function subjectLines(info: TokenInfo | undefined): string[] {
  if (info?.adminName) return [`Admin:    ${info.adminName}`];
  return [
    `Cluster:  ${info?.clusterName ?? ""}`,
    `Labels:   ${formatLabels(info?.labels ?? {}) || "(none)"}`,
    ...(info?.agentLabelKeys.length
      ? [`Agents may set: ${info.agentLabelKeys.join(", ")} (when they create the cluster)`]
      : []),
  ];
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
    ...subjectLines(info),
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
    cluster: { type: "string" },
    "agent-label-keys": { type: "string" },
    name: { type: "string" },
    ...FORMAT_FLAG,
  },
  flagHelp: [
    "--type kube|admin   what the token is for (required)",
    "--cluster NAME      kube: the one cluster its agents join (required); an existing one",
    "                    gains replicas",
    "--labels k=v,...    kube: the labels the cluster gets when its first agent creates it",
    "--agent-label-keys k,...  kube: labels the agent may set itself (WARREN_LABELS) then",
    "--name NAME         admin: who enrols with it (required); fixed here, not at login",
    "--ttl DURATION      how long it lives, e.g. 30m, 8h (default: the hub's token_ttl)",
    "--uses N            how many joins it allows, e.g. one per replica (default 1)",
    FORMAT_HELP,
  ],
  async run(context: CommandContext, flags) {
    const format = formatOf(flags);
    const request = {
      type: tokenTypeToWire(stringFlag(flags, "type")),
      ttlMs: durationFlag(flags, "ttl") ?? 0,
      uses: countFlag(flags, "uses", MAX_USES) ?? 0,
      labels: labelsFlag(flags, "labels"),
      clusterName: stringFlag(flags, "cluster") ?? "",
      agentLabelKeys: listFlag(flags, "agent-label-keys"),
      adminName: stringFlag(flags, "name") ?? "",
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
          cluster: unlessEmpty(info?.clusterName),
          labels: info?.labels ?? {},
          agentLabelKeys: info?.agentLabelKeys ?? [],
          admin: unlessEmpty(info?.adminName),
          hubAddr: created.hubAddr,
          caPins: created.caPins,
        }),
      );
    } else {
      context.stdout.write(text(created, context.now()));
    }
  },
};
