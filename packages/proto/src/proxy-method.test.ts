import { describe, expect, it } from "vitest";

import { ProxyRequest, ProxyResponse } from "./index.js";
import { decodeDataFrame, proxyMethod } from "./proxy-method.js";

const SIZES = [0, 1, 127, 128, 16_383, 16_384, 70_000, 2_097_152];
function bytesOf(size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

describe("the Proxy method's codec", () => {
  it("writes bodies and upgraded bytes exactly as the generated codec does", () => {
    for (const size of SIZES) {
      for (const $case of ["body", "upgraded"] as const) {
        const response: ProxyResponse = { frame: { $case, value: { data: bytesOf(size) } } };
        const generated = Buffer.from(ProxyResponse.encode(response).finish());
        expect(proxyMethod.responseSerialize(response).equals(generated), `${$case} ${size}`).toBe(
          true,
        );
        const request: ProxyRequest = { frame: { $case, value: { data: bytesOf(size) } } };
        expect(
          proxyMethod.requestSerialize(request).equals(ProxyRequest.encode(request).finish()),
        ).toBe(true);
      }
    }
  });

  it("reads the generated codec's bodies in place, and what it writes back the same", () => {
    for (const size of SIZES) {
      const data = bytesOf(size);
      const response: ProxyResponse = { frame: { $case: "upgraded", value: { data } } };
      const wire = Buffer.from(ProxyResponse.encode(response).finish());
      const read = proxyMethod.responseDeserialize(wire).frame;
      expect(read?.$case).toBe("upgraded");
      const readData = read?.$case === "upgraded" ? read.value.data : Buffer.alloc(1);
      expect(readData.equals(data), `upgraded ${size}`).toBe(true);
      // A view of the message, not a copy.
      if (size > 0) expect(readData.buffer).toBe(wire.buffer);
      const request: ProxyRequest = { frame: { $case: "body", value: { data } } };
      const back = proxyMethod.requestDeserialize(proxyMethod.requestSerialize(request)).frame;
      expect(back?.$case).toBe("body");
      expect(back?.$case === "body" && back.value.data.equals(data), `body ${size}`).toBe(true);
    }
  });

  it("leaves heads, empty messages and anything else to the generated codec", () => {
    const head: ProxyResponse = {
      frame: { $case: "head", value: { statusCode: 200, headers: [{ name: "A", value: "b" }] } },
    };
    const wire = proxyMethod.responseSerialize(head);
    expect(decodeDataFrame(wire)).toBeUndefined();
    expect(proxyMethod.responseDeserialize(wire)).toEqual(head);
    expect(proxyMethod.responseDeserialize(Buffer.alloc(0))).toEqual(
      ProxyResponse.decode(Buffer.alloc(0)),
    );
    // A body followed by another field, and a body whose length overruns: not ours to read.
    const body = proxyMethod.responseSerialize({
      frame: { $case: "body", value: { data: bytesOf(3) } },
    });
    expect(decodeDataFrame(Buffer.concat([body, Buffer.from([0x08, 0x01])]))).toBeUndefined();
    expect(decodeDataFrame(body.subarray(0, body.length - 1))).toBeUndefined();
  });
});
