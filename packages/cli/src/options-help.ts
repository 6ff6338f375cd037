import type { OptionSpecs } from "@warren/config";

/** One line per option: flag (or config field), environment variable, description. */
export function optionsHelp(specs: OptionSpecs): string {
  const rows = Object.values(specs).map((spec) => {
    const name = spec.flag !== undefined ? `--${spec.flag}` : `(${spec.field} in the config file)`;
    const env = spec.env !== undefined ? ` [${spec.env}]` : "";
    return [`  ${name}${env}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => left.padEnd(width) + right).join("\n");
}
