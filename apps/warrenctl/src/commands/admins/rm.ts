import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";

export const adminsRm: Command = {
  noun: "admins",
  verb: "rm",
  summary: "revoke an admin: every certificate issued to that name so far stops working",
  args: "NAME",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const name = requiredArg(args, "admin", "warrenctl admins rm NAME (see admins ls)");
    const hub = await context.hub();
    await hub.call(hub.admin.revokeAdmin.bind(hub.admin), { name });
    context.stdout.write(
      `Revoked admin ${name}: their certificates are refused from now on. A new admin token ` +
        `(warrenctl tokens add --type admin --name ${name}) enrols them again.\n`,
    );
  },
};
