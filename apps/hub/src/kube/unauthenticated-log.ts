import type { Logger } from "@warren/log";

/** How often refusals of unauthenticated requests are summed up in one line. */
const SUMMARY_INTERVAL_MS = 10_000;
/** Addresses named in one summary; the rest are only counted. */
const MAX_ADDRESSES = 5;

/**
 * Requests without a usable certificate are refused before anything about them is believed,
 * so none of them becomes an audit row, a metric label or its own log line: the first of a
 * period is logged (with the reason, which is the hub's own text), the rest summed up.
 */
export class UnauthenticatedLog {
  private count = 0;
  private readonly addresses = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = SUMMARY_INTERVAL_MS,
  ) {}

  refused(address: string, reason: string): void {
    if (this.timer === undefined) {
      this.logger.warn(
        { remoteAddress: address, reason },
        "refused an unauthenticated kube request",
      );
      this.timer = setTimeout(() => {
        this.summarize();
      }, this.intervalMs);
      this.timer.unref();
      return;
    }
    this.count++;
    if (this.addresses.has(address) || this.addresses.size < MAX_ADDRESSES)
      this.addresses.set(address, (this.addresses.get(address) ?? 0) + 1);
  }

  private summarize(): void {
    this.timer = undefined;
    if (this.count === 0) return;
    this.logger.warn(
      {
        count: this.count,
        seconds: this.intervalMs / 1000,
        byAddress: Object.fromEntries(this.addresses),
      },
      "refused more unauthenticated kube requests",
    );
    this.count = 0;
    this.addresses.clear();
  }

  close(): void {
    clearTimeout(this.timer);
    this.summarize();
  }
}
