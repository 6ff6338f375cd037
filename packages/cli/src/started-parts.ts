import { errorFields, type Logger } from "@warren/log";

/** Stops one started part; `graceMs` is how long its running work may take to finish. */
export type StopPart = (graceMs: number) => Promise<void> | void;

/**
 * The one owner of what a process started (after controller-runtime's runnable group): each
 * part is registered as it starts, and `stop` stops them in reverse, the same way for a
 * graceful shutdown (with a grace period) and for undoing a start that failed half-way
 * (with none). A part that fails to stop is logged; the others still stop.
 */
export class StartedParts {
  private readonly parts: { name: string; stop: StopPart }[] = [];
  private stopCalled = false;

  constructor(private readonly logger: Logger) {}

  /**
   * True once stop() was called: a start still under way (one waiting for a hub, say) checks
   * it before starting more, as nothing would stop what it starts then.
   */
  get stopped(): boolean {
    return this.stopCalled;
  }

  started(name: string, stop: StopPart): void {
    this.parts.push({ name, stop });
  }

  async stop(graceMs: number): Promise<void> {
    this.stopCalled = true;
    for (const part of this.parts.splice(0).reverse()) {
      try {
        await part.stop(graceMs);
      } catch (error) {
        this.logger.warn({ part: part.name, ...errorFields(error) }, "could not stop a part");
      }
    }
  }

  /**
   * Runs a start-up step that registers its own parts here: if it fails, what it (and
   * everything before it) started is stopped again before the error goes on.
   */
  async starting<T>(start: (parts: StartedParts) => Promise<T>): Promise<T> {
    try {
      return await start(this);
    } catch (error) {
      await this.stop(0);
      throw error;
    }
  }
}
