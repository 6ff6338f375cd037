import type { Command } from "../../command.js";
import { requiredArg, stringFlag } from "../../flag-values.js";

export const usersLogout: Command = {
  noun: "users",
  verb: "logout",
  summary: "end a user's login sessions: their certificates stop at once and renew no more",
  args: "NAME",
  flags: { session: { type: "string" } },
  flagHelp: ["--session ID         only this session (see users sessions NAME); default all"],
  async run(context, flags, args) {
    const user = requiredArg(args, "user", "warrenctl users logout NAME [--session ID]");
    const hub = await context.hub();
    const { ended } = await hub.call(hub.admin.endLoginSessions.bind(hub.admin), {
      user,
      sessionId: stringFlag(flags, "session") ?? "",
    });
    context.stdout.write(`Ended ${String(ended)} login session(s) of ${user}.\n`);
  },
};
