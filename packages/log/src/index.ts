export { LOG_LEVELS, silentLogger, type LogFields, type Logger, type LogLevel } from "./logger.js";
export { createLogger, type CreateLoggerOptions } from "./pino-logger.js";
export { errorFields } from "./error-fields.js";
export { REDACTED, SECRET_FIELD_NAMES } from "./redaction.js";
