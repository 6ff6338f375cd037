import type { Command } from "../../command.js";
import { requiredArg, requiredListFlag } from "../../flag-values.js";

const USAGE = "warrenctl users update NAME --roles ROLE[,ROLE…]";

export const usersUpdate: Command = {
  noun: "users",
  verb: "update",
  summary: "replace a user's roles (applies to their next request)",
  args: "NAME",
  flags: { roles: { type: "string" } },
  flagHelp: ["--roles a,b          the user's roles from now on (required)"],
  async run(context, flags, args) {
    const request = {
      name: requiredArg(args, "user", USAGE),
      roles: requiredListFlag(flags, "roles", USAGE),
    };
    const hub = await context.hub();
    const { user } = await hub.call(hub.admin.updateUser.bind(hub.admin), request);
    context.stdout.write(`User ${request.name} now has roles ${(user?.roles ?? []).join(", ")}.\n`);
  },
};
