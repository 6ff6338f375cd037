import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { inviteText } from "./invite-text.js";

export const usersInvite: Command = {
  noun: "users",
  verb: "invite",
  summary: "a new one-time invite for a local user to set their password (a reset)",
  args: "NAME",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags, args) {
    const format = formatOf(flags);
    const name = requiredArg(args, "user", "warrenctl users invite NAME");
    const hub = await context.hub();
    const { invite, inviteExpiresAtUnixMs } = await hub.call(hub.admin.inviteUser.bind(hub.admin), {
      name,
    });
    if (format === "json") {
      context.stdout.write(
        json({ name, invite, expiresAt: new Date(inviteExpiresAtUnixMs).toISOString() }),
      );
      return;
    }
    context.stdout.write(
      inviteText(name, invite, inviteExpiresAtUnixMs, hub.profile.hubAddr, hub.profile.caPem),
    );
  },
};
