import { streamOf, type RecordedStream } from "./recorded-event.js";

/** Where a stream parser sends what it found: a stream's bytes, in order. */
export type StreamSink = (stream: RecordedStream, data: Buffer) => void;

const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
/** v5.channel.k8s.io: a message on this channel closes the channel named in it; not data. */
const CLOSE_CHANNEL = 255;

/** Decodes base64 that arrives in pieces of any length. */
class Base64Pieces {
  private rest = "";
  decode(text: string): Buffer {
    const all = this.rest + text;
    const whole = all.length - (all.length % 4);
    this.rest = all.slice(whole);
    return Buffer.from(all.slice(0, whole), "base64");
  }
}

/**
 * Reads one direction of a Kubernetes channel WebSocket (v4/v5.channel.k8s.io, or the base64
 * variants) as it passes, frame by frame and without holding payloads: each data message
 * starts with its channel (a byte, or an ASCII digit in base64), the rest is that channel's.
 * `masked` is the client's direction (RFC 6455 masks client frames).
 */
export function webSocketChannels(protocol: string, sink: StreamSink): (chunk: Buffer) => void {
  const base64 = protocol.includes("base64");
  let header = Buffer.alloc(0);
  let remaining = 0;
  let mask: Buffer | undefined;
  let maskAt = 0;
  /** A data message is open (its channel known or not), and the frame now is part of it. */
  let message = false;
  let data = false;
  let channel: number | undefined;
  let decoder = new Base64Pieces();

  const payload = (piece: Buffer) => {
    if (mask) {
      piece = unmasked(piece, mask, maskAt);
      maskAt += piece.length;
    }
    if (!data || piece.length === 0) return;
    if (channel === undefined) {
      const first = piece[0] ?? 0;
      channel = base64 ? first - 0x30 : first;
      piece = piece.subarray(1);
    }
    const stream = channel === CLOSE_CHANNEL ? undefined : streamOf(channel);
    if (stream === undefined || piece.length === 0) return;
    const bytes = base64 ? decoder.decode(piece.toString("latin1")) : piece;
    if (bytes.length > 0) sink(stream, bytes);
  };

  const headerDone = () => {
    const byte0 = header[0] ?? 0;
    const byte1 = header[1] ?? 0;
    const opcode = byte0 & 0x0f;
    const code = byte1 & 0x7f;
    const lengthBytes = code === 126 ? 2 : code === 127 ? 8 : 0;
    remaining =
      code === 126
        ? header.readUInt16BE(2)
        : code === 127
          ? Number(header.readBigUInt64BE(2))
          : code;
    mask = byte1 & 0x80 ? header.subarray(2 + lengthBytes, 6 + lengthBytes) : undefined;
    maskAt = 0;
    // Control frames (close, ping, pong) may come between the fragments of a message.
    if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) {
      message = true;
      data = true;
      channel = undefined;
      decoder = new Base64Pieces();
    } else data = opcode === OPCODE_CONTINUATION && message;
    header = Buffer.alloc(0);
  };

  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (remaining > 0) {
        const taken = Math.min(remaining, chunk.length - at);
        payload(chunk.subarray(at, at + taken));
        remaining -= taken;
        at += taken;
        continue;
      }
      header = Buffer.concat([header, chunk.subarray(at, at + 1)]);
      at++;
      if (header.length >= 2 && header.length === frameHeaderLength(header)) headerDone();
    }
  };
}

/**
 * `piece` XOR the frame's mask, starting `at` bytes into the payload: a copy XORed four bytes
 * at a time (a byte at a time cost the hub more than relaying the session).
 */
export function unmasked(piece: Buffer, mask: Buffer, at: number): Buffer {
  const out = Buffer.from(piece);
  const rotated = [0, 1, 2, 3].map((i) => mask[(at + i) & 3] ?? 0);
  const whole = (out.byteOffset & 3) === 0 ? out.length >>> 2 : 0;
  if (whole > 0) {
    // In the platform's byte order, as the view reads the payload.
    const word = new Uint32Array(Uint8Array.from(rotated).buffer)[0] ?? 0;
    const words = new Uint32Array(out.buffer, out.byteOffset, whole);
    for (let i = 0; i < whole; i++) words[i] = (words[i] ?? 0) ^ word;
  }
  for (let i = whole * 4; i < out.length; i++) out[i] = (out[i] ?? 0) ^ (rotated[i & 3] ?? 0);
  return out;
}

function frameHeaderLength(header: Buffer): number {
  const byte1 = header[1] ?? 0;
  const code = byte1 & 0x7f;
  return 2 + (code === 126 ? 2 : code === 127 ? 8 : 0) + (byte1 & 0x80 ? 4 : 0);
}
