import type { EventEmitter } from "node:events";

/** Resolves when a full writable (a socket, a response) drains, or closes (its reader left). */
export function drainedOrClosed(writable: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      writable.off("drain", done).off("close", done);
      resolve();
    };
    writable.on("drain", done).on("close", done);
  });
}
