import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";
import { timeWithRelative } from "../../output/time.js";

export const rolesLs: Command = {
  noun: "roles",
  verb: "ls",
  summary: "list roles",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { roles } = await hub.call(hub.admin.listRoles.bind(hub.admin), {});
    if (format === "json") {
      context.stdout.write(
        json(
          roles.map((r) => ({
            name: r.name,
            description: r.description,
            document: r.document,
            labels: r.labels,
            createdAt: new Date(r.createdAtUnixMs).toISOString(),
            updatedAt: new Date(r.updatedAtUnixMs).toISOString(),
          })),
        ),
      );
      return;
    }
    if (roles.length === 0) {
      context.stdout.write("No roles. Create one with: warrenctl create -f role.yaml\n");
      return;
    }
    const now = context.now();
    context.stdout.write(
      table(
        ["NAME", "DESCRIPTION", "UPDATED"],
        roles.map((r) => [
          r.name,
          r.description,
          timeWithRelative(new Date(r.updatedAtUnixMs), now),
        ]),
      ),
    );
  },
};
