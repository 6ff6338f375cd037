import { parse } from "yaml";

import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";

interface Spec {
  cluster_name?: string;
  admin_name?: string;
  kubernetes?: { type?: string; allow?: { service_account?: string }[] };
}

export const provisionTokensLs: Command = {
  noun: "provision-tokens",
  verb: "ls",
  summary: "list provision tokens (join by ServiceAccount, no secret)",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { tokens } = await hub.call(hub.admin.listProvisionTokens.bind(hub.admin), {});
    const rows = tokens.map((token) => {
      const spec = ((parse(token.document) as { spec?: Spec } | null)?.spec ?? {}) satisfies Spec;
      return {
        name: token.name,
        type: token.type,
        joinMethod: token.joinMethod,
        for: (token.type === "admin" ? spec.admin_name : spec.cluster_name) ?? "",
        check: spec.kubernetes?.type ?? "",
        allow: (spec.kubernetes?.allow ?? []).map((rule) => rule.service_account ?? ""),
        labels: token.labels,
      };
    });
    if (format === "json") {
      context.stdout.write(json(rows));
      return;
    }
    if (rows.length === 0) {
      context.stdout.write(
        "No provision tokens. Add one with: warrenctl create -f token.yaml (kind: provision_token)\n",
      );
      return;
    }
    context.stdout.write(
      table(
        ["NAME", "TYPE", "FOR", "METHOD", "CHECK", "ALLOW"],
        rows.map((r) => [r.name, r.type, r.for, r.joinMethod, r.check, r.allow.join(",")]),
      ),
    );
  },
};
