import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { requiredArg, requiredListFlag } from "../../flag-values.js";
import { inviteText } from "./invite-text.js";
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
      labels: {},
      withoutInvite: false,
    };
    const hub = await context.hub();
    const created = await hub.call(hub.admin.createUser.bind(hub.admin), request);
    const { user } = created;
    if (!user) return;
    const expiresAt = new Date(created.inviteExpiresAtUnixMs).toISOString();
    if (format === "json") {
      // A minted secret, shown once (as tokens add shows its token); listings never show it.
      context.stdout.write(
        json({ ...userJson(user), invite: created.invite, inviteExpiresAt: expiresAt }),
      );
      return;
    }
    context.stdout.write(
      `User ${user.name} created with roles ${user.roles.join(", ")}.\n\n` +
        inviteText(
          user.name,
          created.invite,
          created.inviteExpiresAtUnixMs,
          hub.profile.hubAddr,
          hub.profile.caPem,
        ) +
        `\n(Or sign them a kubeconfig: warrenctl auth sign --user ${user.name} --format kubernetes --out ${user.name}.kubeconfig)\n`,
    );
  },
};
