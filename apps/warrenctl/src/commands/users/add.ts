import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { requiredArg, requiredListFlag } from "../../flag-values.js";
import { userJson } from "./user-output.js";

const USAGE = "warrenctl users add NAME --roles ROLE[,ROLE…]";

export const usersAdd: Command = {
  noun: "users",
  verb: "add",
  summary: "create a user who reaches clusters with kubectl, with the roles that decide where",
  args: "NAME",
  flags: { roles: { type: "string" }, ...FORMAT_FLAG },
  flagHelp: [
    "--roles a,b          the user's roles (required; see warrenctl roles ls)",
    FORMAT_HELP,
  ],
  async run(context, flags, args) {
    const format = formatOf(flags);
    const request = {
      name: requiredArg(args, "user", USAGE),
      roles: requiredListFlag(flags, "roles", USAGE),
    };
    const hub = await context.hub();
    const { user } = await hub.call(hub.admin.createUser.bind(hub.admin), request);
    if (!user) return;
    if (format === "json") {
      context.stdout.write(json(userJson(user)));
      return;
    }
    context.stdout.write(
      `User ${user.name} created with roles ${user.roles.join(", ")}.\n` +
        `Give them a kubeconfig with:\n\n  warrenctl auth sign --user ${user.name} --format kubernetes --out ${user.name}.kubeconfig\n`,
    );
  },
};
