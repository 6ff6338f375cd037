import { formatLabels, IdentityError, validateLabels } from "@warren/identity";

import type { Command } from "../../command.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";
import { requiredArg } from "../../flag-values.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";

const USAGE = "warrenctl clusters label CLUSTER KEY=VALUE… KEY-… (as kubectl label)";

const invalid = (message: string) => new WarrenctlError(WarrenctlErrorCode.InvalidFlag, message);

/** KEY=VALUE sets a label and KEY- removes one, as with kubectl label. */
function labelChanges(words: readonly string[]): { set: Record<string, string>; remove: string[] } {
  if (words.length === 0) throw invalid(`which labels? ${USAGE}`);
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const word of words) {
    const equals = word.indexOf("=");
    if (equals > 0) set[word.slice(0, equals)] = word.slice(equals + 1);
    else if (word.endsWith("-") && word.length > 1) remove.push(word.slice(0, -1));
    else throw invalid(`"${word}" is neither KEY=VALUE nor KEY-: ${USAGE}`);
  }
  try {
    validateLabels(set);
  } catch (error) {
    if (error instanceof IdentityError) throw invalid(error.message);
    throw error;
  }
  return { set, remove };
}

export const clustersLabel: Command = {
  noun: "clusters",
  verb: "label",
  summary: "set or remove a cluster's labels, the ones roles match (agents cannot choose them)",
  args: "CLUSTER KEY=VALUE… KEY-…",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags, args) {
    const cluster = requiredArg(args, "cluster", USAGE);
    const changes = labelChanges(args.slice(1));
    const hub = await context.hub();
    const labelled = await hub.call(hub.admin.labelCluster.bind(hub.admin), {
      cluster,
      ...changes,
    });
    const labels = labelled.cluster?.labels ?? {};
    if (formatOf(flags) === "json") {
      context.stdout.write(json({ name: cluster, labels }));
      return;
    }
    context.stdout.write(
      `Cluster ${cluster} now has labels ${formatLabels(labels) || "(none)"}; ` +
        "open sessions its users may no longer have were ended.\n",
    );
  },
};
