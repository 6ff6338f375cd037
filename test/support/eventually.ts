import { setTimeout as delay } from "node:timers/promises";

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was awaited when the wait fails. */
  description: string;
}

/**
 * Re-checks a condition until it holds. For state that converges on its own (RBAC caches,
 * reconnects): the wait ends at the event, and the timeout only bounds a failure.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: EventuallyOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out waiting for ${options.description}; last result: ${String(last)}`);
    }
    await delay(options.intervalMs ?? 100);
  }
}
