/**
 * Keys waiting to be reconciled, each at most once in the queue and never handled by two
 * workers at once (a key added while it is handled waits for that to end); a failed key
 * comes back after a backoff that doubles up to `maxBackoffMs`.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly active = new Set<string>();
  private readonly retries = new Map<string, { failures: number; timer?: NodeJS.Timeout }>();
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly initialBackoffMs = 500,
    private readonly maxBackoffMs = 60_000,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.wakeAll();
  }

  /**
   * Runs `handle` for each key on `workers` workers until stopped; `handle` throws to have the
   * key retried.
   */
  async run(
    handle: (key: string) => Promise<void>,
    onError: (key: string, error: unknown) => void,
    workers = 1,
  ): Promise<void> {
    await Promise.all(Array.from({ length: workers }, () => this.work(handle, onError)));
  }

  private async work(
    handle: (key: string) => Promise<void>,
    onError: (key: string, error: unknown) => void,
  ): Promise<void> {
    while (!this.stopped) {
      const key = this.next();
      if (key === undefined) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      this.active.add(key);
      try {
        await handle(key);
        const retry = this.retries.get(key);
        if (retry?.timer === undefined) this.retries.delete(key);
      } catch (error) {
        onError(key, error);
        this.retryLater(key);
      } finally {
        this.active.delete(key);
        // It was added again while handled: another worker may take it now.
        if (this.pending.has(key)) this.wakeAll();
      }
    }
  }

  private next(): string | undefined {
    for (const key of this.pending) {
      if (this.active.has(key)) continue;
      this.pending.delete(key);
      return key;
    }
    return undefined;
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private retryLater(key: string): void {
    const retry = this.retries.get(key) ?? { failures: 0 };
    if (retry.timer) return;
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** retry.failures);
    retry.failures += 1;
    retry.timer = setTimeout(() => {
      retry.timer = undefined;
      this.add(key);
    }, delay);
    this.retries.set(key, retry);
  }

  /** Forgets a key's failures (it was reconciled, or it is gone). */
  forget(key: string): void {
    const retry = this.retries.get(key);
    if (retry?.timer) clearTimeout(retry.timer);
    this.retries.delete(key);
  }

  stop(): void {
    this.stopped = true;
    for (const retry of this.retries.values()) if (retry.timer) clearTimeout(retry.timer);
    this.retries.clear();
    this.wakeAll();
  }
}
