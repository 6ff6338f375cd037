import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";
import { timeWithRelative } from "../../output/time.js";

export const usersSessions: Command = {
  noun: "users",
  verb: "sessions",
  summary: "list open login sessions (of one user, or everyone's)",
  args: "[NAME]",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags, args) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { sessions } = await hub.call(hub.admin.listLoginSessions.bind(hub.admin), {
      user: args[0] ?? "",
    });
    if (format === "json") {
      context.stdout.write(
        json(
          sessions.map((s) => ({
            id: s.id,
            user: s.user,
            method: s.method,
            source: s.source,
            createdAt: new Date(s.createdAtUnixMs).toISOString(),
            expiresAt: new Date(s.expiresAtUnixMs).toISOString(),
          })),
        ),
      );
      return;
    }
    const now = context.now();
    context.stdout.write(
      table(
        ["ID", "USER", "METHOD", "FROM", "UNTIL"],
        sessions.map((s) => [
          s.id,
          s.user,
          s.method,
          s.source,
          timeWithRelative(new Date(s.expiresAtUnixMs), now),
        ]),
      ),
    );
  },
};
