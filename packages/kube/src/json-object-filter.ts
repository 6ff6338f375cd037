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
import { identityOf } from "./json-identity.js";

/** Whether the object namespace/name may be shown. */
export type ObjectPredicate = (namespace: string, name: string) => boolean;

/** The arrays of a list (items) and of a server-side printed Table (rows). */
const ARRAY_KEYS = new Set(["items", "rows"]);

interface Metadata {
  namespace?: unknown;
  name?: unknown;
}

/** Namespace and name of a list item or a Table row (its object holds the metadata). */
function identify(value: unknown): { namespace: string; name: string } | undefined {
  const record = value as { metadata?: Metadata; object?: { metadata?: Metadata } } | null;
  const metadata = record?.metadata ?? record?.object?.metadata;
  if (typeof metadata?.name !== "string") return undefined;
  return {
    namespace: typeof metadata.namespace === "string" ? metadata.namespace : "",
    name: metadata.name,
  };
}

/** Whether a list item or Table row may be shown; one that cannot be read is not. */
export function objectShown(value: unknown, keep: ObjectPredicate): boolean {
  const id = identify(value);
  return id !== undefined && keep(id.namespace, id.name);
}

/**
 * Bytes of JSON scanned as they arrive: strings skipped whole (native indexOf finds their
 * end), depth tracked, and the spans of values the subclass wants held. Only structural
 * characters matter, all ASCII, so UTF-8 is scanned as bytes.
 */
abstract class JsonScanner {
  protected depth = 0;
  /** A string runs on past the end of the last chunk. */
  protected inString = false;
  /** …and that chunk ended in an odd run of backslashes: the next byte is escaped. */
  private escaped = false;
  private captured: Buffer[] = [];

  protected startCapture(): void {
    this.captured = [];
  }

  protected takeCapture(chunk: Buffer, from: number, to: number): Buffer {
    this.captured.push(chunk.subarray(from, to));
    const whole = this.captured.length === 1 ? this.captured[0] : Buffer.concat(this.captured);
    this.captured = [];
    return whole ?? Buffer.alloc(0);
  }

  /** Keeps the tail of a chunk that ends inside a held value. */
  protected carry(chunk: Buffer, from: number): void {
    this.captured.push(chunk.subarray(from));
  }

  /**
   * From index `from` inside a string: the index of its closing quote, or -1 when the chunk
   * ends first (the string then goes on in the next chunk).
   */
  protected skipString(chunk: Buffer, from: number): number {
    let search = from;
    if (this.escaped) {
      this.escaped = false;
      search++; // Whatever it is, the first byte was escaped by the last chunk's backslash.
    }
    for (;;) {
      const quote = chunk.indexOf(QUOTE, search);
      if (quote < 0) {
        this.inString = true;
        this.escaped = backslashesBefore(chunk, chunk.length, search) % 2 === 1;
        return -1;
      }
      if (backslashesBefore(chunk, quote, search) % 2 === 0) {
        this.inString = false;
        return quote;
      }
      search = quote + 1;
    }
  }
}

/** How many backslashes come right before index `at`, looking no further back than `floor`. */
function backslashesBefore(chunk: Buffer, at: number, floor: number): number {
  let count = 0;
  for (let i = at - 1; i >= floor && chunk[i] === BACKSLASH; i--) count++;
  return count;
}

/**
 * Filters a JSON list (items) or Table (rows) as it streams: everything outside the array
 * passes through as it came; each element is held only until it is whole, then written or
 * dropped. Memory is one element, never the list; each chunk in gives one buffer out.
 */
export class JsonListFilter extends JsonScanner {
  private key = "";
  /** Bytes of a top-level string that began in an earlier chunk. */
  private keyHead: Buffer[] | undefined;
  private afterColon = false;
  private arrayDepth = -1;
  private holding = false;
  private wroteElement = false;

  constructor(private readonly keep: ObjectPredicate) {
    super();
  }

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let passFrom = this.arrayDepth < 0 ? 0 : -1;
    let elementStart = this.holding ? 0 : -1;
    let i = 0;
    if (this.inString) i = this.endString(chunk, 0, -1) + 1;
    for (; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) {
        i = this.endString(chunk, i + 1, i);
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.depth++;
        if (this.arrayDepth >= 0 && this.depth === this.arrayDepth + 1) {
          elementStart = i;
          this.holding = true;
          this.startCapture();
        } else if (this.startsArray(byte)) {
          out.push(chunk.subarray(passFrom, i + 1));
          passFrom = -1;
        }
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.holding && this.depth === this.arrayDepth) {
          this.judge(this.takeCapture(chunk, elementStart, i + 1), out);
          this.holding = false;
          elementStart = -1;
        } else if (this.arrayDepth >= 0 && this.depth < this.arrayDepth) {
          this.arrayDepth = -1; // The array's own ']' passes through with what follows.
          this.key = "";
          passFrom = i;
        }
      } else if (this.depth === 1 && this.arrayDepth < 0) {
        if (byte === COLON) this.afterColon = true;
        else if (byte === COMMA) this.afterColon = false;
      }
    }
    if (passFrom >= 0) out.push(chunk.subarray(passFrom));
    if (this.holding && elementStart >= 0) this.carry(chunk, elementStart);
    return out.length === 1 ? (out[0] ?? EMPTY) : Buffer.concat(out);
  }

  /** Whether this '[' opens the top-level items or rows array. */
  private startsArray(byte: number): boolean {
    if (byte !== OPEN_BRACKET || this.depth !== 2 || !this.afterColon || !ARRAY_KEYS.has(this.key))
      return false;
    this.arrayDepth = 2;
    this.wroteElement = false;
    return true;
  }

  /**
   * Skips a string from `from` (opened at `open`, or -1 when it began in an earlier chunk);
   * remembers it when it is a top-level key. Returns the index of its closing quote.
   */
  private endString(chunk: Buffer, from: number, open: number): number {
    const close = this.skipString(chunk, from);
    const topLevel = this.depth === 1 && this.arrayDepth < 0;
    if (close < 0) {
      if (topLevel) (this.keyHead ??= []).push(chunk.subarray(from));
      return chunk.length;
    }
    if (topLevel) {
      const tail = chunk.subarray(open < 0 ? 0 : from, close);
      const head = this.keyHead;
      this.key = (head ? Buffer.concat([...head, tail]) : tail).toString("utf8");
      this.afterColon = false;
    }
    this.keyHead = undefined;
    return close;
  }

  private judge(element: Buffer, out: Buffer[]): void {
    // Read from the bytes, not parsed whole: what cannot be read is not shown.
    const id = identityOf(element);
    if (id === undefined || !this.keep(id.namespace, id.name)) return;
    if (this.wroteElement) out.push(COMMA_BYTES);
    out.push(element);
    this.wroteElement = true;
  }
}

const EMPTY = Buffer.alloc(0);
const COMMA_BYTES = Buffer.from(",");

interface WatchEvent {
  type?: unknown;
  object?: { kind?: unknown; rows?: unknown[]; columnDefinitions?: unknown[] };
}

const OBJECT_EVENTS = new Set(["ADDED", "MODIFIED", "DELETED"]);
const NEWLINE = Buffer.from("\n");

/**
 * Filters a JSON watch as it streams: each event is held until it is whole, then written (with
 * the newline that frames it) or dropped. Bookmarks and errors pass; a Table event (kubectl get
 * --watch) keeps only the rows the user may see.
 */
export class JsonWatchFilter extends JsonScanner {
  private holding = false;

  constructor(private readonly keep: ObjectPredicate) {
    super();
  }

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let eventStart = this.holding ? 0 : -1;
    let i = 0;
    if (this.inString) i = this.stringEnd(chunk, 0) + 1;
    for (; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) {
        i = this.stringEnd(chunk, i + 1);
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (this.depth === 0) {
          eventStart = i;
          this.holding = true;
          this.startCapture();
        }
        this.depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0 && this.holding) {
          this.judge(this.takeCapture(chunk, eventStart, i + 1), out);
          this.holding = false;
          eventStart = -1;
        }
      }
    }
    if (this.holding && eventStart >= 0) this.carry(chunk, eventStart);
    return out.length === 1 ? (out[0] ?? EMPTY) : Buffer.concat(out);
  }

  private stringEnd(chunk: Buffer, from: number): number {
    const close = this.skipString(chunk, from);
    return close < 0 ? chunk.length : close;
  }

  private judge(bytes: Buffer, out: Buffer[]): void {
    let event: WatchEvent;
    try {
      event = JSON.parse(bytes.toString("utf8")) as WatchEvent;
    } catch {
      return;
    }
    const shown = this.shown(event, bytes);
    if (shown) out.push(shown, NEWLINE);
  }

  private shown(event: WatchEvent, bytes: Buffer): Buffer | undefined {
    if (typeof event.type !== "string" || !OBJECT_EVENTS.has(event.type)) return bytes;
    const object = event.object;
    if (object?.kind !== "Table" || !Array.isArray(object.rows)) {
      return objectShown(object, this.keep) ? bytes : undefined;
    }
    const rows = object.rows.filter((row) => objectShown(row, this.keep));
    if (rows.length === object.rows.length) return bytes;
    // The first event carries the columns kubectl prints headers from: keep it, rowless.
    if (rows.length === 0 && !object.columnDefinitions?.length) return undefined;
    return Buffer.from(JSON.stringify({ ...event, object: { ...object, rows } }));
  }
}
