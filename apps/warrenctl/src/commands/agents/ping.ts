import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";

export const agentsPing: Command = {
  noun: "agents",
  verb: "ping",
  summary: "a round trip through an agent's tunnel, to see that it carries requests",
  args: "ID",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags, args) {
    const format = formatOf(flags);
    const agentId = requiredArg(args, "agent", "warrenctl agents ping ID (see clusters ls)");
    const hub = await context.hub();
    const { roundTripMs } = await hub.call(hub.admin.pingAgent.bind(hub.admin), { agentId });
    context.stdout.write(
      format === "json"
        ? json({ agentId, roundTripMs })
        : `Agent ${agentId} answered through its tunnel in ${roundTripMs.toFixed(2)} ms.\n`,
    );
  },
};
