import { describe, expect, it } from "vitest";

import { KubeRefusal } from "./kube-refusal.js";
import { jsonWatchEnding, webSocketEnding } from "./stream-ending.js";

const refusal = new KubeRefusal(401, "user bob no longer exists on this hub");

/** A server's frame: FIN, the opcode, an unmasked length and the payload. */
function serverFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  return Buffer.concat([header, payload]);
}

/** The first frame of `bytes`, as a client reads it. */
function readFrame(bytes: Buffer): { opcode: number; payload: Buffer; rest: Buffer } {
  const code = (bytes[1] ?? 0) & 0x7f;
  const [length, start] = code === 126 ? [bytes.readUInt16BE(2), 4] : [code, 2];
  return {
    opcode: (bytes[0] ?? 0) & 0x0f,
    payload: bytes.subarray(start, start + length),
    rest: bytes.subarray(start + length),
  };
}

describe("jsonWatchEnding", () => {
  it("ends with an ERROR event after a whole event, and cuts in the middle of one", () => {
    const ending = jsonWatchEnding();
    ending.wrote(Buffer.from('{"type":"ADDED","object":{}}\n'));
    const closing = ending.closing(refusal)?.toString() ?? "";
    expect(JSON.parse(closing)).toMatchObject({
      type: "ERROR",
      object: { kind: "Status", code: 401, reason: "Unauthorized", message: refusal.message },
    });
    ending.wrote(Buffer.from('{"type":"MODIF'));
    expect(ending.closing(refusal)).toBeUndefined();
  });
});

describe("webSocketEnding", () => {
  it("puts the Status on the error channel, then a close frame, between frames only", () => {
    const ending = webSocketEnding("v5.channel.k8s.io");
    const stdout = serverFrame(0x2, Buffer.concat([Buffer.from([1]), Buffer.alloc(300, 0x61)]));
    // Split across writes, as the tunnel may deliver it.
    ending.wrote(stdout.subarray(0, 3));
    expect(ending.closing(refusal)).toBeUndefined();
    ending.wrote(stdout.subarray(3, 200));
    expect(ending.closing(refusal)).toBeUndefined();
    ending.wrote(stdout.subarray(200));
    const onErrorChannel = readFrame(ending.closing(refusal) ?? Buffer.alloc(0));
    expect(onErrorChannel.opcode).toBe(0x2);
    expect(onErrorChannel.payload[0]).toBe(3);
    const status = JSON.parse(onErrorChannel.payload.subarray(1).toString()) as {
      message: string;
    };
    expect(status.message).toBe(refusal.message);
    const close = readFrame(onErrorChannel.rest);
    expect(close.opcode).toBe(0x8);
    expect(close.payload.readUInt16BE(0)).toBe(1000);
    expect(close.rest).toHaveLength(0);
  });

  it("sends only a close frame on a protocol without channels (port-forward)", () => {
    const closing = webSocketEnding("SPDY/3.1+portforward.k8s.io").closing(refusal);
    expect(closing?.[0]).toBe(0x88);
  });

  it("uses a text frame with the channel as a digit on the base64 protocols", () => {
    const text = readFrame(
      webSocketEnding("v4.base64.channel.k8s.io").closing(refusal) ?? Buffer.alloc(0),
    );
    expect(text.opcode).toBe(0x1);
    const [channel, ...encoded] = text.payload.toString();
    expect(channel).toBe("3");
    expect(Buffer.from(encoded.join(""), "base64").toString()).toContain(refusal.message);
  });
});
