import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";

export const provisionTokensRm: Command = {
  noun: "provision-tokens",
  verb: "rm",
  summary: "delete a provision token (identities it issued stay until they expire)",
  args: "NAME",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const name = requiredArg(
      args,
      "token",
      "warrenctl provision-tokens rm NAME (see provision-tokens ls)",
    );
    const hub = await context.hub();
    await hub.call(hub.admin.deleteProvisionToken.bind(hub.admin), { name });
    context.stdout.write(`Deleted provision token ${name}.\n`);
  },
};
