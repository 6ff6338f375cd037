import type { EventEmitter } from "node:events";

/**
 * Resolves when a full writable (a socket, a response, an HTTP/2 stream) drains, or closes
 * (its reader left): the one wait for backpressure on either side of the tunnel.
 */
export function drainedOrClosed(writable: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      writable.off("drain", done).off("close", done);
      resolve();
    };
    writable.on("drain", done).on("close", done);
  });
}

interface FlowWritable extends EventEmitter {
  write(data: Uint8Array): boolean;
}

/** Writes `data`, then waits while the writable's buffer is full. */
export async function writeDrained(writable: FlowWritable, data: Uint8Array): Promise<void> {
  if (!writable.write(data)) await drainedOrClosed(writable);
}
