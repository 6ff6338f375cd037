export { UsageError } from "./usage-error.js";
export { parseFlags, type ParsedCommandLine, type ParseFlagsOptions } from "./parse-flags.js";
export { optionsHelp } from "./options-help.js";
export {
  EXIT_BUG,
  EXIT_USAGE,
  EXIT_USER_ERROR,
  runMain,
  type Output,
  type RunMainOptions,
} from "./run-main.js";
export { shutdownSignal } from "./shutdown-signal.js";
export { LOG_LEVEL_OPTION } from "./log-level-option.js";
export { StartedParts, type StopPart } from "./started-parts.js";
