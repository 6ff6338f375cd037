import type { Command } from "../../command.js";
import { nameArg } from "../users/roles-flag.js";

export const rolesRm: Command = {
  noun: "roles",
  verb: "rm",
  summary: "delete a role no user holds",
  args: "NAME",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const name = nameArg(args, "warrenctl roles rm NAME (see roles ls)");
    const hub = await context.hub();
    await hub.call(hub.admin.deleteRole.bind(hub.admin), { name });
    context.stdout.write(`Deleted role ${name}.\n`);
  },
};
