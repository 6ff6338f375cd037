/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/**
 * What components log through. Components take one as an option and default to
 * `silentLogger`, so nothing prints unless an app asks for it.
 */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  /** A logger for one component: every line carries `component` and the given fields. */
  child(component: string, fields?: LogFields): Logger;
}

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const noop = () => undefined;

export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
