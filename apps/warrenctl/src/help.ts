import type { Command } from "./command.js";

export const GLOBAL_FLAG_HELP = [
  "--profile FILE   admin profile to use [WARREN_PROFILE]",
  "--data-dir DIR   use the admin profile of the hub whose data is in DIR [WARREN_DATA_DIR]",
];

export function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => `${c.noun} ${c.verb}`.length)) + 2;
  const lines = commands.map((c) => `  ${`${c.noun} ${c.verb}`.padEnd(width)}${c.summary}`);
  return [
    "usage: warrenctl <noun> <verb> [flags]",
    "",
    "commands:",
    ...lines,
    "",
    "global flags:",
    ...GLOBAL_FLAG_HELP.map((line) => `  ${line}`),
    "",
    "warrenctl <noun> <verb> --help says more about one command.",
    "",
  ].join("\n");
}

export function commandHelp(command: Command): string {
  const args = command.args ? ` ${command.args}` : "";
  return [
    `usage: warrenctl ${command.noun} ${command.verb}${args} [flags]`,
    "",
    command.summary,
    ...(command.flagHelp.length > 0
      ? ["", "flags:", ...command.flagHelp.map((l) => `  ${l}`)]
      : []),
    "",
    "global flags:",
    ...GLOBAL_FLAG_HELP.map((line) => `  ${line}`),
    "",
  ].join("\n");
}
