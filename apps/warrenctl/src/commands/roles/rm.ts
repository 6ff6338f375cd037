import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";

export const rolesRm: Command = {
  noun: "roles",
  verb: "rm",
  summary: "delete a role no user holds",
  args: "NAME",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const name = requiredArg(args, "role", "warrenctl roles rm NAME (see roles ls)");
    const hub = await context.hub();
    await hub.call(hub.admin.deleteRole.bind(hub.admin), { name });
    context.stdout.write(`Deleted role ${name}.\n`);
  },
};
