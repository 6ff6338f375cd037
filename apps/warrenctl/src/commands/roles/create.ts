import { parse } from "yaml";

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

/** The document's kind: role, oidc, github or provision_token. */
function kindOf(document: string): string {
  try {
    const parsed: unknown = parse(document);
    const kind = (parsed as { kind?: unknown } | null)?.kind;
    if (typeof kind === "string") return kind;
  } catch {
    // The hub says what is wrong with it, with line numbers.
  }
  return "role";
}

/** `warrenctl create -f FILE`: a role or a connector; the document's kind says which. */
export const create: Command = {
  noun: "create",
  verb: "",
  summary:
    "create or replace a role, SSO connector (kind: oidc, github) or provision token from YAML",
  flags: { file: { type: "string", short: "f" }, ...FORMAT_FLAG },
  flagHelp: ["-f, --file FILE      the YAML document (required)", FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const document = await readDocument(typeof flags.file === "string" ? flags.file : undefined);
    const hub = await context.hub();
    const kind = kindOf(document);
    let name: string;
    let created: boolean;
    if (kind === "oidc" || kind === "github") {
      const applied = await hub.call(hub.admin.applyConnector.bind(hub.admin), { document });
      ({ created } = applied);
      name = applied.connector?.name ?? "";
    } else if (kind === "provision_token") {
      const applied = await hub.call(hub.admin.applyProvisionToken.bind(hub.admin), { document });
      ({ created } = applied);
      name = applied.token?.name ?? "";
    } else {
      const applied = await hub.call(hub.admin.applyRole.bind(hub.admin), { document });
      ({ created } = applied);
      name = applied.role?.name ?? "";
    }
    const noun =
      kind === "oidc" || kind === "github"
        ? `${kind} connector`
        : kind === "provision_token"
          ? "provision token"
          : "role";
    if (format === "json") {
      context.stdout.write(json({ kind, name, created }));
      return;
    }
    context.stdout.write(`${noun} "${name}" has been ${created ? "created" : "updated"}\n`);
  },
};
