import type { Command } from "./command.js";

const name = (command: Command) => command.words.join(" ");

export function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => name(c).length)) + 2;
  return [
    "usage: warren <command> [flags]",
    "",
    "commands:",
    ...commands.map((c) => `  ${name(c).padEnd(width)}${c.summary}`),
    "",
    "Logins live in ~/.warren ($WARREN_HOME). warren <command> --help says more about one.",
    "",
  ].join("\n");
}

export function commandHelp(command: Command): string {
  const args = command.args ? ` ${command.args}` : "";
  return [
    `usage: warren ${name(command)}${args} [flags]`,
    "",
    command.summary,
    ...(command.flagHelp.length > 0
      ? ["", "flags:", ...command.flagHelp.map((l) => `  ${l}`)]
      : []),
    "",
  ].join("\n");
}
