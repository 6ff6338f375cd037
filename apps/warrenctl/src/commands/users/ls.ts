import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";
import { timeWithRelative } from "../../output/time.js";
import { userJson } from "./user-output.js";

export const usersLs: Command = {
  noun: "users",
  verb: "ls",
  summary: "list users and their roles",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { users } = await hub.call(hub.admin.listUsers.bind(hub.admin), {});
    if (format === "json") {
      context.stdout.write(json(users.map(userJson)));
      return;
    }
    if (users.length === 0) {
      context.stdout.write("No users. Add one with: warrenctl users add NAME --roles ROLE\n");
      return;
    }
    const now = context.now();
    context.stdout.write(
      table(
        ["NAME", "ROLES", "ORIGIN", "CREATED", "LOCKED"],
        users.map((u) => [
          u.name,
          u.roles.join(","),
          u.origin || (u.hasPassword ? "local" : "local (invited)"),
          timeWithRelative(new Date(u.createdAtUnixMs), now),
          u.lock ? `by ${u.lock.lockedBy}${u.lock.reason ? `: ${u.lock.reason}` : ""}` : "",
        ]),
      ),
    );
  },
};
