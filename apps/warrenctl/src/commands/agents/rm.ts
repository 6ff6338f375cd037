import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";

export const agentsRm: Command = {
  noun: "agents",
  verb: "rm",
  summary: "revoke an agent's identity and cut its tunnel; it must join again with a new token",
  args: "ID",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const agentId = requiredArg(args, "agent", "warrenctl agents rm ID (see clusters ls)");
    const hub = await context.hub();
    await hub.call(hub.admin.deleteAgent.bind(hub.admin), { agentId });
    context.stdout.write(`Revoked agent ${agentId}; its tunnel is cut and it cannot reconnect.\n`);
  },
};
