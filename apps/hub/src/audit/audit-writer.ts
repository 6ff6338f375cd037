import { errorFields, type Logger } from "@warren/log";
import type { AuditEventRecord, HubStore } from "@warren/store";

export interface AuditWriterOptions {
  store: HubStore;
  logger: Logger;
  /** How long an event may wait for others to share its commit. Default 50 ms. */
  flushDelayMs?: number;
  /** Events that trigger a commit at once. Default 500. */
  maxBatchEvents?: number;
}

/**
 * Writes audit events in batches, one transaction (one disk sync) per batch instead of one per
 * request. Readers call flush() first, so nothing written is ever missing from a listing.
 */
export class AuditWriter {
  private pending: AuditEventRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushDelayMs: number;
  private readonly maxBatchEvents: number;

  constructor(private readonly options: AuditWriterOptions) {
    this.flushDelayMs = options.flushDelayMs ?? 50;
    this.maxBatchEvents = options.maxBatchEvents ?? 500;
  }

  add(event: AuditEventRecord): void {
    this.pending.push(event);
    if (this.pending.length >= this.maxBatchEvents) {
      void this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.flushDelayMs);
      this.timer.unref();
    }
  }

  /**
   * Commits the event, with what is pending, before resolving: for the start of a session,
   * which must be on disk before the session runs. Rejects when the store cannot take it.
   */
  async addNow(event: AuditEventRecord): Promise<void> {
    this.pending.push(event);
    if (!(await this.flush())) throw new Error("the audit log cannot be written");
  }

  /** Commits what is pending; a store failure is logged and answered false, never thrown. */
  async flush(): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return true;
    try {
      await this.options.store.audit.append(batch);
      return true;
    } catch (error) {
      this.options.logger.error(
        { events: batch.length, ...errorFields(error) },
        "cannot write audit events",
      );
      return false;
    }
  }
}
