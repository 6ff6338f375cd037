export { ConfigError, ConfigErrorCode, type ConfigProblem } from "./errors.js";
export { formatDuration, parseDuration } from "./duration.js";
export {
  resolveOptions,
  type OptionInputs,
  type OptionSpec,
  type OptionSpecs,
  type ResolvedOptions,
} from "./resolve-options.js";
export {
  boolean,
  durationMs,
  formatHostPort,
  hostPort,
  list,
  oneOf,
  positiveInteger,
  string,
  type HostPort,
  type ValueParser,
} from "./value-parsers.js";
export { parseYaml, readYamlFile, yamlSource, type YamlFile, type YamlPath } from "./yaml-file.js";
export { ORIGIN_KUBERNETES, ORIGIN_LABEL, readMetadataLabels } from "./metadata-labels.js";
export { DocumentReader } from "./document-reader.js";
