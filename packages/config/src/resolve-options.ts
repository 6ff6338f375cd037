import { ConfigError, ConfigErrorCode, type ConfigProblem } from "./errors.js";
import type { ValueParser } from "./value-parsers.js";
import { yamlSource, type YamlFile } from "./yaml-file.js";

export interface OptionSpec<T> {
  /** The field's name in a config file and in error messages (snake_case). */
  field: string;
  /** Command-line flag, without the leading dashes. */
  flag?: string;
  /** Environment variable. */
  env?: string;
  parse: ValueParser<T>;
  /** The value when no source gives one; an option without a default is required. */
  default?: () => T;
  /** One line for --help. */
  description: string;
}

// `unknown` here erases each option's own type; ResolvedOptions recovers it.
export type OptionSpecs = Record<string, OptionSpec<unknown>>;

export type ResolvedOptions<S extends OptionSpecs> = {
  [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never;
};

export interface OptionInputs {
  flags?: Readonly<Record<string, string | boolean | undefined>>;
  env?: NodeJS.ProcessEnv;
  file?: YamlFile;
}

interface RawValue {
  raw: unknown;
  source: string;
}

/** Highest precedence first: flag, environment, file. */
function rawValue(spec: OptionSpec<unknown>, inputs: OptionInputs): RawValue | undefined {
  const flag = spec.flag !== undefined ? inputs.flags?.[spec.flag] : undefined;
  if (flag !== undefined) return { raw: flag, source: `--${spec.flag ?? ""}` };
  const env = spec.env !== undefined ? inputs.env?.[spec.env] : undefined;
  if (env !== undefined && env !== "") return { raw: env, source: spec.env ?? "" };
  const values = inputs.file?.values as Record<string, unknown> | undefined;
  if (inputs.file && values && spec.field in values) {
    return { raw: values[spec.field], source: yamlSource(inputs.file, [spec.field]) };
  }
  return undefined;
}

function fileProblems(specs: OptionSpecs, file: YamlFile | undefined): ConfigProblem[] {
  if (file?.values === undefined || file.values === null) return [];
  if (typeof file.values !== "object" || Array.isArray(file.values)) {
    return [{ field: "(file)", source: file.path, reason: "must be a map of field: value" }];
  }
  const known = new Set(Object.values(specs).map((s) => s.field));
  return Object.keys(file.values)
    .filter((key) => !known.has(key))
    .map((key) => ({
      field: key,
      source: yamlSource(file, [key]),
      reason: `unknown field; known fields are ${[...known].sort().join(", ")}`,
    }));
}

function howToSet(spec: OptionSpec<unknown>): string {
  const ways = [spec.flag && `--${spec.flag}`, spec.env, `${spec.field} in the config file`];
  return ways.filter(Boolean).join(", ");
}

/**
 * Validates every option once, into a typed config. All problems are reported together, each
 * naming its field and the flag, variable or file line its value came from.
 */
export function resolveOptions<S extends OptionSpecs>(
  specs: S,
  inputs: OptionInputs,
): ResolvedOptions<S> {
  const problems = fileProblems(specs, inputs.file);
  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = rawValue(spec, inputs);
    if (value === undefined) {
      if (spec.default) resolved[name] = spec.default();
      else
        problems.push({
          field: spec.field,
          source: "nowhere",
          reason: `is required: set ${howToSet(spec)}`,
        });
      continue;
    }
    try {
      resolved[name] = spec.parse(value.raw);
    } catch (error) {
      problems.push({ field: spec.field, source: value.source, reason: (error as Error).message });
    }
  }
  if (problems.length > 0) throw new ConfigError(ConfigErrorCode.InvalidConfig, problems);
  return resolved as ResolvedOptions<S>;
}
