import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

import type { LogFields, Logger, LogLevel } from "./logger.js";
import { redactFields } from "./redaction.js";

export interface CreateLoggerOptions {
  /** Names the process in every line, e.g. "warren-hub". */
  name: string;
  /** Defaults to "info". */
  level?: LogLevel;
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to capture them. */
  destination?: DestinationStream;
}

class PinoBackedLogger implements Logger {
  constructor(private readonly pino: PinoLogger) {}

  debug(fields: LogFields, message: string): void {
    if (this.pino.isLevelEnabled("debug")) this.pino.debug(redactFields(fields), message);
  }

  info(fields: LogFields, message: string): void {
    if (this.pino.isLevelEnabled("info")) this.pino.info(redactFields(fields), message);
  }

  warn(fields: LogFields, message: string): void {
    if (this.pino.isLevelEnabled("warn")) this.pino.warn(redactFields(fields), message);
  }

  error(fields: LogFields, message: string): void {
    if (this.pino.isLevelEnabled("error")) this.pino.error(redactFields(fields), message);
  }

  child(component: string, fields: LogFields = {}): Logger {
    return new PinoBackedLogger(this.pino.child(redactFields({ component, ...fields })));
  }
}

/** JSON lines with ISO timestamps, secrets redacted by field name. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const logger = pino(
    {
      name: options.name,
      level: options.level ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Buffered: a write per line was a syscall per kubectl request; pino flushes on exit.
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  return new PinoBackedLogger(logger);
}
