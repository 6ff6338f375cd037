import type { Command } from "../../command.js";
import { requiredArg } from "../../flag-values.js";

export const clustersRm: Command = {
  noun: "clusters",
  verb: "rm",
  summary: "remove a cluster: revoke every agent of it and free its name",
  args: "CLUSTER",
  flags: {},
  flagHelp: [],
  async run(context, _flags, args) {
    const cluster = requiredArg(args, "cluster", "warrenctl clusters rm CLUSTER (see clusters ls)");
    const hub = await context.hub();
    const { revokedAgentIds } = await hub.call(hub.admin.deleteCluster.bind(hub.admin), {
      cluster,
    });
    context.stdout.write(
      `Removed cluster ${cluster}; revoked ${String(revokedAgentIds.length)} agent(s), whose ` +
        "tunnels are cut.\n",
    );
  },
};
