import type { Command } from "../../command.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";
import { readInputFile } from "../../input-file.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";

async function readDocument(path: string | undefined): Promise<string> {
  if (path === undefined) {
    throw new WarrenctlError(
      WarrenctlErrorCode.InvalidFlag,
      "which file? warrenctl create -f role.yaml",
    );
  }
  return readInputFile(path);
}

/** `warrenctl create -f FILE`: a role today; the resource's kind says what it is. */
export const create: Command = {
  noun: "create",
  verb: "",
  summary: "create or replace a role from a YAML file (kind: role)",
  flags: { file: { type: "string", short: "f" }, ...FORMAT_FLAG },
  flagHelp: ["-f, --file FILE      the YAML document (required)", FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const document = await readDocument(typeof flags.file === "string" ? flags.file : undefined);
    const hub = await context.hub();
    const { role, created } = await hub.call(hub.admin.applyRole.bind(hub.admin), { document });
    const name = role?.name ?? "";
    if (format === "json") {
      context.stdout.write(json({ kind: "role", name, created }));
      return;
    }
    context.stdout.write(`role "${name}" has been ${created ? "created" : "updated"}\n`);
  },
};
