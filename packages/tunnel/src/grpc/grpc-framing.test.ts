import { describe, expect, it } from "vitest";

import { TunnelErrorCode } from "../errors.js";
import { frameMessage, MessageDeframer } from "./grpc-framing.js";

describe("gRPC message framing", () => {
  it("recovers messages however the bytes are split", () => {
    const messages = [
      Buffer.from("a"),
      Buffer.alloc(0),
      Buffer.alloc(70_000, 7),
      Buffer.from("last"),
    ];
    const wire = Buffer.concat(messages.map(frameMessage));
    for (const step of [1, 3, 5, 4096, wire.length]) {
      const deframer = new MessageDeframer();
      const out: Buffer[] = [];
      for (let i = 0; i < wire.length; i += step)
        out.push(...deframer.push(wire.subarray(i, i + step)));
      expect(out).toEqual(messages);
      expect(deframer.pendingBytes).toBe(0);
    }
  });

  it("refuses compressed and oversized messages", () => {
    const compressed = frameMessage(Buffer.from("x"));
    compressed[0] = 1;
    expect(() => new MessageDeframer().push(compressed)).toThrow(
      expect.objectContaining({ code: TunnelErrorCode.Protocol }),
    );
    expect(() => new MessageDeframer(10).push(frameMessage(Buffer.alloc(11)))).toThrow(
      "exceeds 10",
    );
  });
});
