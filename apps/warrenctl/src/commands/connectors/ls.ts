import { parse } from "yaml";

import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";

/** What a connector's spec says, without anything secret (the secret is only a file name). */
function spec(document: string): Record<string, unknown> {
  const parsed = parse(document) as { spec?: Record<string, unknown> } | null;
  return parsed?.spec ?? {};
}

export const connectorsLs: Command = {
  noun: "connectors",
  verb: "ls",
  summary: "list SSO connectors people log in with (warren login --auth NAME)",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { connectors } = await hub.call(hub.admin.listConnectors.bind(hub.admin), {});
    const rows = connectors.map((c) => {
      const s = spec(c.document);
      const where = c.kind === "oidc" ? s.issuer_url : (s.endpoint_url ?? "https://github.com");
      return {
        name: c.name,
        kind: c.kind,
        provider: typeof where === "string" ? where : "",
        clientId: typeof s.client_id === "string" ? s.client_id : "",
      };
    });
    if (format === "json") {
      context.stdout.write(json(rows));
      return;
    }
    if (rows.length === 0) {
      context.stdout.write(
        "No connectors. Add one with: warrenctl create -f connector.yaml (kind: oidc or github)\n",
      );
      return;
    }
    context.stdout.write(
      table(
        ["NAME", "KIND", "PROVIDER", "CLIENT ID"],
        rows.map((r) => [r.name, r.kind, r.provider, r.clientId]),
      ),
    );
  },
};
