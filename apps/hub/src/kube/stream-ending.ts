import { kubeStatus } from "@warren/kube";

import type { KubeRefusal } from "./kube-refusal.js";

/**
 * Follows what a long-running response has written to the client, so the hub can end it with
 * a message the client shows, at a point where the message is not inside something else.
 */
export interface StreamEnding {
  /** Every chunk, as it is written to the client. */
  wrote(chunk: Uint8Array): void;
  /** The bytes that end the stream with the refusal, or undefined to cut it. */
  closing(refusal: KubeRefusal): Buffer | undefined;
}

const statusJson = (refusal: KubeRefusal) =>
  JSON.stringify(kubeStatus(refusal.httpStatus, refusal.message));

/**
 * A JSON watch: one event per line, so a watch ERROR event carrying a Status fits after any
 * newline (kubectl prints it as the API server's own error).
 */
export function jsonWatchEnding(): StreamEnding {
  let atLineEnd = true;
  return {
    wrote(chunk) {
      if (chunk.length > 0) atLineEnd = chunk[chunk.length - 1] === 0x0a;
    },
    closing(refusal) {
      if (!atLineEnd) return undefined;
      return Buffer.from(`{"type":"ERROR","object":${statusJson(refusal)}}\n`);
    },
  };
}

/** Opcode and payload as one unmasked frame, as a server sends it. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  if (length > 0xffff) throw new Error("a control message too long for one frame");
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  return Buffer.concat([header, payload]);
}

/** The close frame: status 1000 (normal) and a reason, which may be 123 bytes at most. */
function closeFrame(reason: string): Buffer {
  const code = Buffer.from([0x03, 0xe8]);
  return frame(0x8, Buffer.concat([code, Buffer.from(reason).subarray(0, 123)]));
}

/** Where a frame header ends, once enough of it is known. */
function headerLength(header: Buffer): number | undefined {
  if (header.length < 2) return undefined;
  const byte1 = header[1] ?? 0;
  const lengthCode = byte1 & 0x7f;
  const extended = lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0;
  return 2 + extended + (byte1 & 0x80 ? 4 : 0);
}

function payloadLength(header: Buffer): number {
  const lengthCode = (header[1] ?? 0) & 0x7f;
  if (lengthCode === 126) return header.readUInt16BE(2);
  if (lengthCode === 127) return Number(header.readBigUInt64BE(2));
  return lengthCode;
}

/**
 * A WebSocket from the API server (exec, attach, port-forward): frames are tracked so the
 * hub's own frames go between them. On a channel protocol (exec, attach) a Status goes on the
 * error channel, 3, which kubectl prints; then a close frame.
 */
export function webSocketEnding(protocol: string): StreamEnding {
  let header = Buffer.alloc(0);
  let remaining = 0;
  return {
    wrote(chunk) {
      let offset = 0;
      while (offset < chunk.length) {
        if (remaining > 0) {
          const taken = Math.min(remaining, chunk.length - offset);
          remaining -= taken;
          offset += taken;
          continue;
        }
        header = Buffer.concat([header, chunk.subarray(offset, offset + 1)]);
        offset++;
        if (header.length === headerLength(header)) {
          remaining = payloadLength(header);
          header = Buffer.alloc(0);
        }
      }
    },
    closing(refusal) {
      if (header.length > 0 || remaining > 0) return undefined;
      const close = closeFrame(refusal.message);
      if (!protocol.endsWith("channel.k8s.io")) return close;
      const status = Buffer.from(statusJson(refusal));
      const onErrorChannel = protocol.includes("base64")
        ? frame(0x1, Buffer.from(`3${status.toString("base64")}`))
        : frame(0x2, Buffer.concat([Buffer.from([3]), status]));
      return Buffer.concat([onErrorChannel, close]);
    },
  };
}
