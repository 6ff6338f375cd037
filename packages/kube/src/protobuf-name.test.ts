import { describe, expect, it } from "vitest";

import { protobufObjectName } from "./protobuf-name.js";

/** A length-delimited protobuf field (lengths under 128 here). */
const bytesField = (number: number, value: Buffer | string) => {
  const data = typeof value === "string" ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from([(number << 3) | 2, data.length]), data]);
};
const varintField = (number: number, value: number) => Buffer.from([number << 3, value]);

/** "k8s\0" + runtime.Unknown{typeMeta, raw: object{metadata{…}}}, as the API machinery writes. */
function envelope(metadata: Buffer): Buffer {
  const typeMeta = Buffer.concat([bytesField(1, "v1"), bytesField(2, "ConfigMap")]);
  const object = Buffer.concat([bytesField(1, metadata), bytesField(2, "data")]);
  const unknown = Buffer.concat([
    bytesField(1, typeMeta),
    bytesField(2, object),
    bytesField(4, ""),
  ]);
  return Buffer.concat([Buffer.from("k8s\0"), unknown]);
}

describe("protobufObjectName", () => {
  it("reads metadata.name of an object in Kubernetes' protobuf envelope", () => {
    const metadata = Buffer.concat([bytesField(1, "fine"), varintField(9, 3), bytesField(3, "ns")]);
    expect(protobufObjectName(envelope(metadata))).toBe("fine");
  });

  it("has no name for generateName alone, a cut body, or something else", () => {
    expect(protobufObjectName(envelope(bytesField(2, "gen-")))).toBeUndefined();
    const whole = envelope(bytesField(1, "fine"));
    expect(protobufObjectName(whole.subarray(0, whole.length - 12))).toBeUndefined();
    expect(protobufObjectName(Buffer.from('{"metadata":{"name":"x"}}'))).toBeUndefined();
  });
});
