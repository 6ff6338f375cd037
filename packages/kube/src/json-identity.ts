import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from "./json-bytes.js";

export interface ObjectIdentity {
  namespace: string;
  name: string;
}

const isSpace = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

function skipSpace(json: Buffer, at: number): number {
  let i = at;
  while (isSpace(json[i])) i++;
  return i;
}

/** From an opening quote: the index of its closing quote, or -1. */
function stringEnd(json: Buffer, open: number): number {
  let search = open + 1;
  for (;;) {
    const quote = json.indexOf(QUOTE, search);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let i = quote - 1; i > open && json[i] === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    search = quote + 1;
  }
}

/** From the first byte of a value: the index just after it, or -1 if it does not end. */
function valueEnd(json: Buffer, start: number): number {
  const first = json[start];
  if (first === QUOTE) {
    const end = stringEnd(json, start);
    return end < 0 ? -1 : end + 1;
  }
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let i = start;
    while (
      i < json.length &&
      json[i] !== COMMA &&
      json[i] !== CLOSE_BRACE &&
      json[i] !== CLOSE_BRACKET
    )
      i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < json.length; i++) {
    const byte = json[i];
    if (byte === QUOTE) {
      i = stringEnd(json, i);
      if (i < 0) return -1;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Whether the key string json[open+1..close) is exactly `key` (ASCII, no escapes). */
function keyIs(json: Buffer, open: number, close: number, key: string): boolean {
  if (close - open - 1 !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (json[open + 1 + i] !== key.charCodeAt(i)) return false;
  return true;
}

/** The index where member `key` of the object opening at `objectStart` starts its value. */
function member(json: Buffer, objectStart: number, key: string): number | undefined {
  if (json[objectStart] !== OPEN_BRACE) return undefined;
  let i = skipSpace(json, objectStart + 1);
  while (json[i] === QUOTE) {
    const close = stringEnd(json, i);
    if (close < 0) return undefined;
    const colon = skipSpace(json, close + 1);
    if (json[colon] !== COLON) return undefined;
    const value = skipSpace(json, colon + 1);
    if (keyIs(json, i, close, key)) return value;
    const end = valueEnd(json, value);
    if (end < 0) return undefined;
    const next = skipSpace(json, end);
    if (json[next] !== COMMA) return undefined;
    i = skipSpace(json, next + 1);
  }
  return undefined;
}

/** The string member `key`, unescaped; undefined when absent or not a string. */
function stringMember(json: Buffer, objectStart: number, key: string): string | undefined {
  const start = member(json, objectStart, key);
  if (start === undefined || json[start] !== QUOTE) return undefined;
  const end = stringEnd(json, start);
  if (end < 0) return undefined;
  const raw = json.subarray(start, end + 1);
  return raw.includes(BACKSLASH)
    ? (JSON.parse(raw.toString("utf8")) as string)
    : json.toString("utf8", start + 1, end);
}

/**
 * metadata.namespace and metadata.name of one JSON object (or of a Table row's object), read
 * without parsing the rest: a list's filter decides thousands of these. Undefined when the
 * object has no string name.
 */
export function identityOf(json: Buffer): ObjectIdentity | undefined {
  const start = skipSpace(json, 0);
  let metadata = member(json, start, "metadata");
  if (metadata === undefined) {
    const object = member(json, start, "object");
    if (object !== undefined) metadata = member(json, object, "metadata");
  }
  if (metadata === undefined) return undefined;
  const name = stringMember(json, metadata, "name");
  if (name === undefined) return undefined;
  return { namespace: stringMember(json, metadata, "namespace") ?? "", name };
}
