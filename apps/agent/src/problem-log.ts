import type { LogFields, Logger } from "@warren/log";

/**
 * Logs each problem once when it starts, and once when all clear: a state that persists is
 * one line, however often it is retried; a change of state is another. Several problems can
 * hold at once (the hub's CA changed, and the token to re-join is refused), each logged once.
 */
export class ProblemLog {
  /** Problem and message: a problem whose explanation changes is news. */
  private readonly active = new Set<string>();

  constructor(private readonly logger: Logger) {}

  report(problem: string, level: "warn" | "error", fields: LogFields, message: string): void {
    const key = `${problem}\n${message}`;
    if (this.active.has(key)) return;
    this.active.add(key);
    this.logger[level]({ problem, ...fields }, message);
  }

  resolve(fields: LogFields, message: string): void {
    if (this.active.size === 0) return;
    const resolved = [...new Set([...this.active].map((key) => key.split("\n")[0]))];
    this.active.clear();
    this.logger.info({ resolved, ...fields }, message);
  }
}
