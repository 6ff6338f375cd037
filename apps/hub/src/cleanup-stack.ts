import { errorFields, type Logger } from "@warren/log";

/**
 * What a start-up has opened so far, undone in reverse if a later step fails, so a hub that
 * cannot start leaves no listener or database handle keeping the process alive.
 */
export class CleanupStack {
  private readonly steps: { what: string; undo: () => Promise<void> | void }[] = [];

  constructor(private readonly logger: Logger) {}

  push(what: string, undo: () => Promise<void> | void): void {
    this.steps.push({ what, undo });
  }

  async unwind(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.undo();
      } catch (error) {
        this.logger.warn(
          { step: step.what, ...errorFields(error) },
          "could not undo a start-up step",
        );
      }
    }
  }
}
