// Protobuf's base-128 varints, for the codecs that write and read data frames by hand.

export function varintLength(value: number): number {
  let length = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) length++;
  return length;
}

export function writeVarint(out: Buffer, at: number, value: number): number {
  let rest = value;
  let next = at;
  while (rest >= 0x80) {
    out[next++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[next++] = rest;
  return next;
}

/** A varint at `at` and where it ends; undefined past the end or beyond 2^32. */
export function readVarint(bytes: Buffer, at: number): { value: number; end: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let next = at; next < bytes.length && next < at + 5; next++) {
    const byte = bytes[next] ?? 0;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, end: next + 1 };
    scale *= 0x80;
  }
  return undefined;
}
