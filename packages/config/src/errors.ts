export enum ConfigErrorCode {
  /** One or more options have values that do not parse or are missing. */
  InvalidConfig = "invalid_config",
  /** A configuration file cannot be read or is not valid YAML. */
  InvalidFile = "invalid_file",
}

/** One thing wrong with a configuration, named by field and by where the value came from. */
export interface ConfigProblem {
  /** The field, as the configuration file spells it (e.g. "listen_addr"). */
  field: string;
  /** e.g. "--listen-addr", "WARREN_HUB_LISTEN_ADDR", "hub.yaml line 3". */
  source: string;
  reason: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(
    readonly code: ConfigErrorCode,
    readonly problems: readonly ConfigProblem[],
    heading = "invalid configuration",
  ) {
    super(
      [heading, ...problems.map((p) => `  ${p.field}: ${p.reason} (from ${p.source})`)].join("\n"),
    );
  }
}
