export type LogEntry = Record<string, unknown> & { msg?: string; level?: string };

interface Waiter {
  matches: (entry: LogEntry) => boolean;
  resolve: (entry: LogEntry) => void;
}

/**
 * Lines a child process writes, kept and parsed as they arrive (JSON logs become entries), so
 * a test can wait for the event it expects instead of for time.
 */
export class ProcessLogs {
  readonly lines: string[] = [];
  readonly entries: LogEntry[] = [];
  private waiters: Waiter[] = [];
  private partial = "";
  private exitedWith: string | undefined;
  private failExits: ((reason: Error) => void)[] = [];

  push(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.addLine(line);
  }

  private addLine(line: string): void {
    this.lines.push(line);
    let entry: LogEntry;
    try {
      entry = JSON.parse(line) as LogEntry;
    } catch {
      entry = { msg: line };
    }
    this.entries.push(entry);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.matches(entry)) return true;
      waiter.resolve(entry);
      return false;
    });
  }

  /** Marks the process gone: waiting for more from it fails at once. */
  exited(description: string): void {
    if (this.partial) this.addLine(this.partial);
    this.partial = "";
    this.exitedWith = description;
    for (const fail of this.failExits)
      fail(new Error(`${description}; last lines:\n${this.tail()}`));
  }

  tail(count = 15): string {
    return this.lines.slice(-count).join("\n");
  }

  text(): string {
    return this.lines.join("\n");
  }

  /** How many entries so far: pass it as `after` to wait only for later ones. */
  mark(): number {
    return this.entries.length;
  }

  /**
   * The first entry, from index `after` on (past or future), that matches; fails if the
   * process exits first.
   */
  waitFor(
    matches: (entry: LogEntry) => boolean,
    description: string,
    timeoutMs = 30_000,
    after = 0,
  ): Promise<LogEntry> {
    const past = this.entries.slice(after).find(matches);
    if (past) return Promise.resolve(past);
    if (this.exitedWith !== undefined) {
      return Promise.reject(
        new Error(`${this.exitedWith} before ${description}; last lines:\n${this.tail()}`),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `no log line for ${description} within ${timeoutMs} ms; last lines:\n${this.tail()}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({
        matches,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      });
      this.failExits.push((error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Waits for a line whose msg is `msg` and whose fields match `fields`, from entry `after` on. */
  waitForMessage(msg: string, fields: Record<string, unknown> = {}, after = 0): Promise<LogEntry> {
    return this.waitFor(
      (entry) =>
        entry.msg === msg && Object.entries(fields).every(([key, value]) => entry[key] === value),
      `"${msg}"`,
      undefined,
      after,
    );
  }

  /** The first `count` entries from index `after` on that match, waiting for the rest. */
  async waitForCount(
    matches: (entry: LogEntry) => boolean,
    count: number,
    description: string,
    after = 0,
  ): Promise<LogEntry[]> {
    const found: LogEntry[] = [];
    let from = after;
    while (found.length < count) {
      const entry = await this.waitFor(matches, description, undefined, from);
      found.push(entry);
      from = this.entries.indexOf(entry, from) + 1;
    }
    return found;
  }
}
