import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";

export const usersUnlock: Command = {
  noun: "users",
  verb: "unlock",
  summary: "lift a user's lock",
  args: "NAME",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const name = requiredArg(args, "user", "warrenctl users unlock NAME");
    const hub = await context.hub();
    await hub.call(hub.admin.unlockUser.bind(hub.admin), { name });
    context.stdout.write(`Unlocked user ${name}.\n`);
  },
};
