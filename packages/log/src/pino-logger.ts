import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

import type { LogFields, Logger, LogLevel } from "./logger.js";
import { REDACTED, redactPaths } from "./redaction.js";

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
    this.pino.debug(fields, message);
  }

  info(fields: LogFields, message: string): void {
    this.pino.info(fields, message);
  }

  warn(fields: LogFields, message: string): void {
    this.pino.warn(fields, message);
  }

  error(fields: LogFields, message: string): void {
    this.pino.error(fields, message);
  }

  child(component: string, fields: LogFields = {}): Logger {
    return new PinoBackedLogger(this.pino.child({ component, ...fields }));
  }
}

/** JSON lines with ISO timestamps, secrets redacted by field name. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const logger = pino(
    {
      name: options.name,
      level: options.level ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths(), censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return new PinoBackedLogger(logger);
}
