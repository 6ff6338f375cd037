import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";
import { timeWithRelative } from "../../output/time.js";

const iso = (ms: number) => (ms === 0 ? null : new Date(ms).toISOString());

export const adminsLs: Command = {
  noun: "admins",
  verb: "ls",
  summary: "list admin identities the hub has issued certificates to",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { admins } = await hub.call(hub.admin.listAdmins.bind(hub.admin), {});
    if (format === "json") {
      context.stdout.write(
        json(
          admins.map((a) => ({
            name: a.name,
            firstSeen: iso(a.firstSeenUnixMs),
            lastIssued: iso(a.lastIssuedUnixMs),
            revokedAt: iso(a.revokedAtUnixMs),
          })),
        ),
      );
      return;
    }
    const now = context.now();
    context.stdout.write(
      table(
        ["NAME", "LAST ISSUED", "REVOKED"],
        admins.map((a) => [
          a.name,
          timeWithRelative(new Date(a.lastIssuedUnixMs), now),
          a.revokedAtUnixMs === 0 ? "" : timeWithRelative(new Date(a.revokedAtUnixMs), now),
        ]),
      ),
    );
  },
};
