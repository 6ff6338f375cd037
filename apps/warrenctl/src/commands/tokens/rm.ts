import type { Command } from "../../command.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";

export const tokensRm: Command = {
  noun: "tokens",
  verb: "rm",
  summary: "delete a join token, so nothing can join with it any more",
  args: "ID",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const [id] = args;
    if (id === undefined) {
      throw new WarrenctlError(
        WarrenctlErrorCode.InvalidFlag,
        "which token? warrenctl tokens rm ID (see tokens ls)",
      );
    }
    const hub = await context.hub();
    await hub.call(hub.admin.deleteToken.bind(hub.admin), { id });
    context.stdout.write(`Deleted join token ${id}.\n`);
  },
};
