import type { FlagValues } from "../../command.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";

/** --roles a,b: at least one. */
export function rolesFlag(flags: FlagValues, usage: string): string[] {
  const raw = typeof flags.roles === "string" ? flags.roles : "";
  const roles = raw
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");
  if (roles.length === 0) {
    throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `--roles is required: ${usage}`);
  }
  return roles;
}

export function nameArg(args: readonly string[], usage: string): string {
  const [name] = args;
  if (name === undefined)
    throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `which one? ${usage}`);
  return name;
}
