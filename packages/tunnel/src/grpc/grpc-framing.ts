import { TunnelError, TunnelErrorCode } from "../errors.js";

/** gRPC's length-prefixed message: a compressed flag byte, a 4-byte length, the bytes. */
const PREFIX_BYTES = 5;
/** Messages larger than this are refused rather than buffered (matches grpc-js's default). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export function frameMessage(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, PREFIX_BYTES);
  return frame;
}

/** Cuts a byte stream into gRPC messages, however the bytes arrive. */
export class MessageDeframer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageBytes = MAX_MESSAGE_BYTES) {}

  /** Adds bytes; returns the messages they complete. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.buffered < PREFIX_BYTES) return messages;
      const head = this.peek(PREFIX_BYTES);
      if (head.readUInt8(0) !== 0) {
        throw new TunnelError(
          TunnelErrorCode.Protocol,
          "compressed gRPC messages are not supported",
        );
      }
      const length = head.readUInt32BE(1);
      if (length > this.maxMessageBytes) {
        throw new TunnelError(
          TunnelErrorCode.Protocol,
          `gRPC message of ${length} bytes exceeds ${this.maxMessageBytes}`,
        );
      }
      if (this.buffered < PREFIX_BYTES + length) return messages;
      messages.push(this.take(PREFIX_BYTES + length).subarray(PREFIX_BYTES));
    }
  }

  get pendingBytes(): number {
    return this.buffered;
  }

  private peek(bytes: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= bytes) return first;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private take(bytes: number): Buffer {
    const joined = this.peek(bytes);
    const taken = joined.subarray(0, bytes);
    const rest = joined.subarray(bytes);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= bytes;
    return taken;
  }
}
