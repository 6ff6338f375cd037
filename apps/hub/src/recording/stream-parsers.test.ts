import { randomBytes } from "node:crypto";
import { constants, createDeflate } from "node:zlib";

import { describe, expect, it } from "vitest";

import { RecordedStream } from "./recorded-event.js";
import { SPDY_DICTIONARY, spdyStreams } from "./spdy-streams.js";
import { unmasked, webSocketChannels } from "./websocket-channels.js";

type Seen = [RecordedStream, string][];

/** Feeds `bytes` one byte at a time and whole: both must read the same. */
function readBoth(make: (seen: Seen) => (chunk: Buffer) => void, bytes: Buffer): Seen[] {
  return [1, bytes.length].map((size) => {
    const seen: Seen = [];
    const feed = make(seen);
    for (let at = 0; at < bytes.length; at += size) feed(bytes.subarray(at, at + size));
    return seen;
  });
}

/** Runs of one stream joined, as a reader sees them whatever the chunking. */
const joined = (seen: Seen): Seen =>
  seen.reduce<Seen>((runs, [stream, text]) => {
    const last = runs.at(-1);
    if (last?.[0] === stream) last[1] += text;
    else runs.push([stream, text]);
    return runs;
  }, []);

function wsFrame(opcode: number, payload: Buffer, { fin = true, masked = false } = {}): Buffer {
  const length = payload.length;
  const lengthBytes =
    length < 126 ? Buffer.from([length]) : Buffer.from([126, length >> 8, length & 0xff]);
  if (masked) lengthBytes[0] = (lengthBytes[0] ?? 0) | 0x80;
  const mask = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = masked ? Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0))) : payload;
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode]), lengthBytes, mask, body]);
}

describe("webSocketChannels", () => {
  it("unmasks as RFC 6455 says, from any offset into the payload and any alignment", () => {
    const mask = randomBytes(4);
    const payload = randomBytes(1000);
    for (const [start, length] of [
      [0, 1000],
      [1, 999],
      [2, 7],
      [3, 4],
      [5, 0],
      [6, 3],
    ] as const) {
      const piece = payload.subarray(start, start + length);
      const expected = Buffer.from(piece.map((byte, i) => byte ^ (mask[(start + i) % 4] ?? 0)));
      expect(unmasked(piece, mask, start).equals(expected), `${start}+${length}`).toBe(true);
    }
  });

  it("reads channels from masked, fragmented and long frames, split anywhere", () => {
    const long = "x".repeat(300);
    const bytes = Buffer.concat([
      wsFrame(2, Buffer.from("\x00ls -l\n"), { masked: true }),
      wsFrame(2, Buffer.from("\x01part one, "), { fin: false, masked: true }),
      wsFrame(9, Buffer.from("ping"), { masked: true }),
      wsFrame(0, Buffer.from("part two"), { masked: true }),
      wsFrame(2, Buffer.from(`\x02${long}`), { masked: true }),
      wsFrame(2, Buffer.from([0xff, 0x00])),
      wsFrame(8, Buffer.from([0x03, 0xe8])),
    ]);
    for (const seen of readBoth(
      (s) => webSocketChannels("v5.channel.k8s.io", (k, d) => s.push([k, d.toString()])),
      bytes,
    )) {
      expect(joined(seen)).toEqual([
        [RecordedStream.Stdin, "ls -l\n"],
        [RecordedStream.Stdout, "part one, part two"],
        [RecordedStream.Stderr, long],
      ]);
    }
  });

  it("decodes the base64 protocols, whose channel is a digit", () => {
    const text = (channel: number, data: string) =>
      wsFrame(1, Buffer.from(`${channel}${Buffer.from(data).toString("base64")}`));
    const bytes = Buffer.concat([text(1, "hello, world"), text(4, '{"Width":80,"Height":24}')]);
    for (const seen of readBoth(
      (s) => webSocketChannels("v4.base64.channel.k8s.io", (k, d) => s.push([k, d.toString()])),
      bytes,
    )) {
      expect(joined(seen)).toEqual([
        [RecordedStream.Stdout, "hello, world"],
        [RecordedStream.Resize, '{"Width":80,"Height":24}'],
      ]);
    }
  });
});

/** A client's SPDY frames: SYN_STREAMs whose headers share one zlib stream, as spdystream's. */
function spdyClient(): {
  synStream(id: number, streamType: string): Promise<Buffer>;
  data(id: number, payload: string): Buffer;
} {
  const deflate = createDeflate({ dictionary: SPDY_DICTIONARY });
  const flushed = (block: Buffer) =>
    new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      const take = (part: Buffer) => parts.push(part);
      deflate.on("data", take);
      deflate.write(block);
      deflate.flush(constants.Z_SYNC_FLUSH, () => {
        deflate.off("data", take);
        resolve(Buffer.concat(parts));
      });
    });
  const pairs = (headers: [string, string][]) => {
    const parts = [Buffer.alloc(4)];
    parts[0]?.writeUInt32BE(headers.length);
    for (const [name, value] of headers) {
      for (const text of [name, value]) {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(text.length);
        parts.push(length, Buffer.from(text));
      }
    }
    return Buffer.concat(parts);
  };
  return {
    async synStream(id, streamType) {
      const block = await flushed(
        pairs([
          ["streamtype", streamType],
          ["port", "0"],
        ]),
      );
      const head = Buffer.alloc(18);
      head.writeUInt16BE(0x8003, 0);
      head.writeUInt16BE(1, 2);
      head.writeUInt32BE(10 + block.length, 4);
      head.writeUInt32BE(id, 8);
      return Buffer.concat([head, block]);
    },
    data(id, payload) {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(id, 0);
      head.writeUInt32BE(Buffer.byteLength(payload), 4);
      return Buffer.concat([head, Buffer.from(payload)]);
    },
  };
}

describe("spdyStreams", () => {
  it("learns each stream's kind from the client's headers and reads its data, split anywhere", async () => {
    const client = spdyClient();
    const bytes = Buffer.concat([
      await client.synStream(1, "error"),
      await client.synStream(3, "stdin"),
      await client.synStream(5, "stdout"),
      client.data(3, "echo hi\n"),
      client.data(5, "hi\n"),
      client.data(7, "a stream nobody opened"),
      client.data(1, '{"status":"Success"}'),
    ]);
    for (const seen of readBoth(
      (s) => spdyStreams(new Map(), (k, d) => s.push([k, d.toString()])),
      bytes,
    )) {
      expect(joined(seen)).toEqual([
        [RecordedStream.Stdin, "echo hi\n"],
        [RecordedStream.Stdout, "hi\n"],
        [RecordedStream.Error, '{"status":"Success"}'],
      ]);
    }
  });
});
