import type { YamlFile, YamlPath } from "./yaml-file.js";

/**
 * Reads a YAML document (a role, a connector, a provision token) collecting every problem at
 * once, each with its line and path, so one answer names all that is wrong.
 */
export class DocumentReader {
  readonly problems: string[] = [];

  constructor(protected readonly file: YamlFile) {}

  problem(path: YamlPath, reason: string): void {
    // A missing field has no line of its own: the nearest enclosing one says where.
    let line: number | undefined;
    for (let n = path.length; n >= 0 && line === undefined; n--) {
      line = this.file.lineOf(path.slice(0, n));
    }
    const where = line === undefined ? "" : `line ${line}: `;
    this.problems.push(`${where}${path.join(".") || "(document)"}: ${reason}`);
  }

  /**
   * A map; with `fields`, keys outside them are problems. A missing one reads as empty unless
   * `required`.
   */
  map(
    path: YamlPath,
    value: unknown,
    fields?: readonly string[],
    required = false,
  ): Record<string, unknown> {
    if (!required && (value === undefined || value === null)) return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.problem(path, "expected a map");
      return {};
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (fields !== undefined && !fields.includes(key))
        this.problem([...path, key], `unknown field (known: ${fields.join(", ")})`);
    }
    return record;
  }

  /** One of `choices`; a problem, and the first choice to read on with, when not. */
  oneOf<T extends string>(path: YamlPath, value: unknown, choices: readonly [T, ...T[]]): T {
    const found = choices.find((choice) => choice === value);
    if (found === undefined) this.problem(path, `must be one of ${choices.join(", ")}`);
    return found ?? choices[0];
  }
}
