import type { SessionRecording } from "@warren/proto";

import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { table } from "../../output/table.js";
import { LISTING_FLAGS, listingFilters, listingHelp } from "../../listing-filters.js";

export const recordingJson = (r: SessionRecording) => ({
  id: r.id,
  user: r.user,
  cluster: r.cluster,
  kubernetesUser: r.kubernetesUser,
  subresource: r.subresource,
  namespace: r.namespace,
  pod: r.pod,
  container: r.container,
  command: r.command,
  tty: r.tty,
  protocol: r.protocol,
  startedAt: new Date(r.startedAtUnixMs).toISOString(),
  endedAt: r.endedAtUnixMs > 0 ? new Date(r.endedAtUnixMs).toISOString() : undefined,
  exitCode: r.hasExitCode ? r.exitCode : undefined,
  endReason: r.endReason || undefined,
  bytes: r.bytes,
});

const durationOf = (r: SessionRecording) =>
  r.endedAtUnixMs > 0 ? `${((r.endedAtUnixMs - r.startedAtUnixMs) / 1000).toFixed(1)}s` : "running";

export const recordingsLs: Command = {
  noun: "recordings",
  verb: "ls",
  summary: "list recorded exec and attach sessions, newest first",
  flags: { ...LISTING_FLAGS, ...FORMAT_FLAG },
  flagHelp: [...listingHelp("sessions", "this user's sessions"), FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const { recordings } = await hub.call(
      hub.admin.listSessionRecordings.bind(hub.admin),
      listingFilters(flags, context.now()),
    );
    if (format === "json") {
      context.stdout.write(json(recordings.map(recordingJson)));
      return;
    }
    context.stdout.write(
      table(
        ["ID", "STARTED", "USER", "CLUSTER", "POD", "COMMAND", "LENGTH", "EXIT"],
        recordings.map((r) => [
          r.id,
          new Date(r.startedAtUnixMs).toISOString(),
          r.user,
          r.cluster,
          `${r.namespace}/${r.pod}${r.container ? `:${r.container}` : ""}`,
          r.subresource === "attach" ? "(attach)" : r.command.join(" "),
          durationOf(r),
          r.hasExitCode ? String(r.exitCode) : r.endReason || "-",
        ]),
      ),
    );
  },
};
