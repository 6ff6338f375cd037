import { oneOf, type OptionSpec } from "@warren/config";
import { LOG_LEVELS, type LogLevel } from "@warren/log";

/** --log-level / WARREN_LOG_LEVEL / log_level, the same for every Warren binary. */
export const LOG_LEVEL_OPTION: OptionSpec<LogLevel> = {
  field: "log_level",
  flag: "log-level",
  env: "WARREN_LOG_LEVEL",
  parse: oneOf(LOG_LEVELS),
  default: () => "info",
  description: `one of ${LOG_LEVELS.join(", ")}`,
};
