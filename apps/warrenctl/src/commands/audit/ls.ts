import type { AuditEvent } from "@warren/proto";

import type { Command } from "../../command.js";
import { stringFlag } from "../../flag-values.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";
import { LISTING_FLAGS, listingFilters, listingHelp } from "../../listing-filters.js";

const eventJson = (e: AuditEvent) => ({
  kind: e.kind,
  stage: e.stage,
  time: new Date(e.timeUnixMs).toISOString(),
  requestId: e.requestId,
  user: e.user,
  source: e.source,
  cluster: e.cluster,
  kubernetesUser: e.kubernetesUser,
  kubernetesGroups: e.kubernetesGroups,
  verb: e.verb,
  method: e.method,
  path: e.path,
  resource: e.resource,
  namespace: e.namespace,
  name: e.name,
  status: e.status,
  durationMs: e.durationMs,
  reason: e.reason,
});

export const auditLs: Command = {
  noun: "audit",
  verb: "ls",
  summary: "list kube requests, admin actions and joins, newest first",
  flags: { kind: { type: "string" }, ...LISTING_FLAGS, ...FORMAT_FLAG },
  flagHelp: [
    "--kind KIND          only kube (kubectl requests), admin (admin API calls) or join",
    ...listingHelp("events", "this user's (or admin's) events"),
    FORMAT_HELP,
  ],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { events } = await hub.call(hub.admin.listAuditEvents.bind(hub.admin), {
      kind: stringFlag(flags, "kind") ?? "",
      ...listingFilters(flags, context.now()),
    });
    if (format === "json") {
      context.stdout.write(json(events.map(eventJson)));
      return;
    }
    context.stdout.write(
      table(
        [
          "TIME",
          "KIND",
          "USER",
          "CLUSTER",
          "AS",
          "VERB",
          "RESOURCE",
          "NAMESPACE",
          "NAME",
          "STATUS",
        ],
        events.map((e) => [
          new Date(e.timeUnixMs).toISOString(),
          e.stage === "ResponseStarted" ? `${e.kind} (started)` : e.kind,
          e.user,
          e.cluster,
          [e.kubernetesUser, ...e.kubernetesGroups].filter((x) => x !== "").join(","),
          e.verb,
          e.resource || e.path,
          e.namespace,
          e.name,
          e.stage === "ResponseStarted" ? "-" : String(e.status),
        ]),
      ),
    );
  },
};
