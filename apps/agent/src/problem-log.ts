import type { LogFields, Logger } from "@warren/log";

/**
 * Logs a problem once when it starts and once when it ends, not on every retry: a state that
 * persists is one line, a change of state is another.
 */
export class ProblemLog {
  private current: string | undefined;

  constructor(private readonly logger: Logger) {}

  report(key: string, level: "warn" | "error", fields: LogFields, message: string): void {
    if (this.current === key) return;
    this.current = key;
    this.logger[level]({ problem: key, ...fields }, message);
  }

  resolve(fields: LogFields, message: string): void {
    if (this.current === undefined) return;
    this.logger.info({ resolved: this.current, ...fields }, message);
    this.current = undefined;
  }
}
