export interface BackoffOptions {
  /** First delay, in milliseconds. */
  initialMs: number;
  /** Delays never exceed this, in milliseconds. */
  maxMs: number;
  /** Each failure multiplies the delay by this. Default 2. */
  multiplier?: number;
  /** Random spread, as a fraction of the delay, so many agents do not retry in step. Default 0.2. */
  jitter?: number;
  random?: () => number;
}

/** Exponential backoff with jitter, capped; reset() after a success. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt, in milliseconds. */
  next(): number {
    const { initialMs, maxMs, multiplier = 2, jitter = 0.2, random = Math.random } = this.options;
    const base = Math.min(maxMs, initialMs * multiplier ** this.attempt);
    this.attempt += 1;
    const spread = base * jitter * (random() * 2 - 1);
    return Math.max(0, Math.min(maxMs, Math.round(base + spread)));
  }

  reset(): void {
    this.attempt = 0;
  }
}
