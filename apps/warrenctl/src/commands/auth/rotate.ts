import type { Command } from "../../command.js";
import { durationFlag, stringFlag } from "../../flag-values.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { rotationJson, rotationText } from "./rotation-view.js";

const USAGE =
  "warrenctl auth rotate --phase init|update_clients|update_servers|standby|rollback [--force], " +
  "or warrenctl auth rotate --auto --grace 30h";

/** `warrenctl auth rotate`: moves the hub's CA rotation one phase, or starts an automatic one. */
export const authRotate: Command = {
  noun: "auth",
  verb: "rotate",
  summary: "rotate the hub's CA in phases; agents follow over their tunnels with no restart",
  flags: {
    phase: { type: "string" },
    force: { type: "boolean", default: false },
    auto: { type: "boolean", default: false },
    grace: { type: "string" },
    ...FORMAT_FLAG,
  },
  flagHelp: [
    "--phase PHASE        init, update_clients, update_servers, standby (ends it) or rollback",
    "--force              go to standby although agents are behind (they must then re-join)",
    "--auto               walk the phases by itself, one each third of --grace",
    "--grace DURATION     with --auto: how long the old CA stays trusted (e.g. 30h)",
    FORMAT_HELP,
  ],
  async run(context, flags) {
    const format = formatOf(flags);
    const auto = flags.auto === true;
    const phase = stringFlag(flags, "phase") ?? "";
    const graceMs = durationFlag(flags, "grace") ?? 0;
    if (!auto && phase === "") {
      throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `which phase? ${USAGE}`);
    }
    if (auto && graceMs === 0) {
      throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `--auto needs --grace: ${USAGE}`);
    }
    const hub = await context.hub();
    const moved = await hub.call(hub.admin.rotateCertificateAuthority.bind(hub.admin), {
      phase,
      force: flags.force === true,
      auto,
      graceMs,
    });
    const authorities = moved.authorities;
    if (!authorities) throw new Error("the hub answered without the rotation's state");
    if (format === "json") {
      context.stdout.write(json(rotationJson(authorities)));
      return;
    }
    context.stdout.write(rotationText(authorities, context.now()));
  },
};
