import type { Duplex } from "node:stream";

interface Chunk {
  chunk: unknown;
}
type WritevTarget = Duplex & {
  _writev?: (chunks: Chunk[], callback: (error?: Error | null) => void) => void;
};

/**
 * Gives an SSH channel the `_writev` ssh2 leaves out. HTTP/2 writes the frames of one event
 * loop turn (headers, a message, the trailers…) as one corked batch; without `_writev` each
 * frame became its own SSH packet, encrypted, MACed and written to the socket on its own.
 */
export function coalesceWrites<T extends Duplex>(channel: T): T {
  const target = channel as WritevTarget;
  target._writev = (chunks, callback) => {
    const buffers = chunks.map(({ chunk }) => chunk as Buffer);
    const data = buffers.length === 1 && buffers[0] ? buffers[0] : Buffer.concat(buffers);
    // ssh2 ignores the encoding of a Buffer.
    target._write(data, "binary", callback);
  };
  return channel;
}
