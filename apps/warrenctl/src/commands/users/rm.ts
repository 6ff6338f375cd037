import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";

export const usersRm: Command = {
  noun: "users",
  verb: "rm",
  summary: "delete a user; their kubeconfigs stop working and open sessions end at once",
  args: "NAME",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const name = requiredArg(args, "user", "warrenctl users rm NAME (see users ls)");
    const hub = await context.hub();
    await hub.call(hub.admin.deleteUser.bind(hub.admin), { name });
    context.stdout.write(
      `Deleted user ${name}; their kubeconfigs no longer work (not even for a new user of ` +
        "that name) and their open sessions were ended.\n",
    );
  },
};
