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

/**
 * Bytes a relay lets wait in one writable before it stops reading its source. Streams say
 * "full" at 16 KiB; waiting there let one chunk at a time through each hop of a large list,
 * and the hub and agent sat idle between them.
 */
export const WRITE_AHEAD_BYTES = 512 * 1024;

interface FlowWritable extends EventEmitter {
  write(data: Uint8Array): boolean;
  readonly writableLength: number;
}

/** True when a writer should wait for 'drain': the write said full and enough is queued. */
export function overWriteAhead(writable: { readonly writableLength: number }, flowing: boolean) {
  return !flowing && writable.writableLength >= WRITE_AHEAD_BYTES;
}

/** Writes `data`, then waits while more than WRITE_AHEAD_BYTES wait in the writable. */
export async function writeDrained(writable: FlowWritable, data: Uint8Array): Promise<void> {
  if (overWriteAhead(writable, writable.write(data))) await drainedOrClosed(writable);
}
