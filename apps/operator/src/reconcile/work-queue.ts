/**
 * Keys waiting to be reconciled, each at most once in the queue, handled one at a time; a
 * failed key comes back after a backoff that doubles up to `maxBackoffMs`.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly retries = new Map<string, { failures: number; timer?: NodeJS.Timeout }>();
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly initialBackoffMs = 500,
    private readonly maxBackoffMs = 60_000,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.wake?.();
  }

  /** Runs `handle` for each key until stopped; `handle` throws to have the key retried. */
  async run(
    handle: (key: string) => Promise<void>,
    onError: (key: string, error: unknown) => void,
  ): Promise<void> {
    while (!this.stopped) {
      const key = this.pending.values().next().value;
      if (key === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      this.pending.delete(key);
      try {
        await handle(key);
        const retry = this.retries.get(key);
        if (retry?.timer === undefined) this.retries.delete(key);
      } catch (error) {
        onError(key, error);
        this.retryLater(key);
      }
    }
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
    this.wake?.();
  }
}
