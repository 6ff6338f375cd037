import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";

export const connectorsRm: Command = {
  noun: "connectors",
  verb: "rm",
  summary: "delete an SSO connector (its users stay; their logins through it stop)",
  args: "NAME",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const name = requiredArg(args, "connector", "warrenctl connectors rm NAME (see connectors ls)");
    const hub = await context.hub();
    await hub.call(hub.admin.deleteConnector.bind(hub.admin), { name });
    context.stdout.write(`Deleted connector ${name}.\n`);
  },
};
