/** Kubernetes' protobuf envelope: "k8s\0", then a runtime.Unknown message. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
/** runtime.Unknown.raw, the object's own bytes. */
const UNKNOWN_RAW = 2;
/** Every built-in object has its ObjectMeta as field 1, whose field 1 is the name. */
const OBJECT_METADATA = 1;
const METADATA_NAME = 1;

interface Field {
  number: number;
  /** The bytes of a length-delimited field; undefined for other wire types. */
  bytes?: Buffer;
}

/** Reads a varint at `at`; [value, next index], or undefined past the end. */
function varint(data: Buffer, at: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < data.length && i < at + 10; i++) {
    const byte = data[i] ?? 0;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  return undefined;
}

/** The fields of one message, in order; stops at anything it cannot read. */
function* fields(data: Buffer): Generator<Field> {
  let at = 0;
  while (at < data.length) {
    const tag = varint(data, at);
    if (!tag) return;
    const [key, afterTag] = tag;
    const number = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const skipped = varint(data, afterTag);
      if (!skipped) return;
      at = skipped[1];
      yield { number };
    } else if (wire === 1 || wire === 5) {
      at = afterTag + (wire === 1 ? 8 : 4);
      yield { number };
    } else if (wire === 2) {
      const length = varint(data, afterTag);
      if (!length || length[1] + length[0] > data.length) return;
      at = length[1] + length[0];
      yield { number, bytes: data.subarray(length[1], at) };
    } else {
      return;
    }
  }
}

const field = (data: Buffer, number: number) => {
  for (const f of fields(data)) if (f.number === number && f.bytes) return f.bytes;
  return undefined;
};

/** metadata.name of an object in Kubernetes' protobuf encoding; undefined if unreadable. */
export function protobufObjectName(body: Buffer): string | undefined {
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const raw = field(body.subarray(MAGIC.length), UNKNOWN_RAW);
  const metadata = raw && field(raw, OBJECT_METADATA);
  return metadata && field(metadata, METADATA_NAME)?.toString("utf8");
}
