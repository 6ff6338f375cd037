/** Whether the object namespace/name may be shown. */
export type ObjectPredicate = (namespace: string, name: string) => boolean;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

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

const enum StringByte {
  Structural,
  Open,
  Inside,
  Close,
}

/**
 * Bytes of JSON scanned as they arrive: strings, depth, and the spans of values the subclass
 * wants whole. Only structural characters matter, all ASCII, so UTF-8 is scanned as bytes.
 */
abstract class JsonScanner {
  protected depth = 0;
  private inString = false;
  private escaped = false;
  private captured: Buffer[] = [];
  private capturing = false;

  /** Starts keeping bytes from chunk index `from` (inclusive) until takeCapture. */
  protected startCapture(): void {
    this.capturing = true;
    this.captured = [];
  }

  protected takeCapture(chunk: Buffer, from: number, to: number): Buffer {
    this.captured.push(chunk.subarray(from, to));
    this.capturing = false;
    const whole = Buffer.concat(this.captured);
    this.captured = [];
    return whole;
  }

  /** Keeps the tail of a chunk that ends inside a captured value. */
  protected carry(chunk: Buffer, from: number): void {
    if (this.capturing) this.captured.push(chunk.subarray(from));
  }

  /** What a byte is to the string state: structural, or opening, inside or closing a string. */
  protected stringByte(byte: number): StringByte {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (byte === BACKSLASH) this.escaped = true;
      else if (byte === QUOTE) {
        this.inString = false;
        return StringByte.Close;
      }
      return StringByte.Inside;
    }
    if (byte === QUOTE) {
      this.inString = true;
      return StringByte.Open;
    }
    return StringByte.Structural;
  }
}

/**
 * Filters a JSON list (items) or Table (rows) as it streams: everything outside the array
 * passes through as it came; each element is held only until it is whole, then written or
 * dropped. Memory is one element, never the list.
 */
export class JsonListFilter extends JsonScanner {
  private key = "";
  private stringStart = -1;
  private keyBytes: Buffer[] = [];
  private afterColon = false;
  private arrayDepth = -1;
  private elementStart = -1;
  private wroteElement = false;

  constructor(private readonly keep: ObjectPredicate) {
    super();
  }

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let passFrom = this.arrayDepth < 0 || this.depth < this.arrayDepth ? 0 : -1;
    this.elementStart = this.elementStart >= 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] ?? 0;
      const kind = this.stringByte(byte);
      if (kind !== StringByte.Structural) {
        if (this.depth === 1 && this.arrayDepth < 0) this.trackKey(chunk, i, kind);
        continue;
      }
      if (this.arrayDepth >= 0 && this.depth >= this.arrayDepth) {
        passFrom = this.scanArray(chunk, i, byte, out, passFrom);
        continue;
      }
      if (byte === COLON && this.depth === 1) this.afterColon = true;
      else if (byte === COMMA && this.depth === 1) this.afterColon = false;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.depth++;
        if (
          byte === OPEN_BRACKET &&
          this.depth === 2 &&
          this.afterColon &&
          ARRAY_KEYS.has(this.key)
        ) {
          out.push(chunk.subarray(passFrom, i + 1));
          passFrom = -1;
          this.arrayDepth = 2;
          this.wroteElement = false;
        }
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) this.depth--;
    }
    if (passFrom >= 0) out.push(chunk.subarray(passFrom));
    if (this.elementStart >= 0) this.carry(chunk, this.elementStart);
    if (this.stringStart >= 0) {
      this.keyBytes.push(chunk.subarray(this.stringStart));
      this.stringStart = 0;
    }
    return out;
  }

  /** Inside the array: elements are captured and judged; separators are dropped. */
  private scanArray(chunk: Buffer, i: number, byte: number, out: Buffer[], passFrom: number) {
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (this.depth === this.arrayDepth) {
        this.elementStart = i;
        this.startCapture();
      }
      this.depth++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      this.depth--;
      if (this.depth === this.arrayDepth && this.elementStart >= 0) {
        this.judge(this.takeCapture(chunk, this.elementStart, i + 1), out);
        this.elementStart = -1;
      } else if (this.depth < this.arrayDepth) {
        this.arrayDepth = -1; // The array's own ']' passes through with what follows.
        this.key = "";
        return i;
      }
    }
    return passFrom;
  }

  private judge(element: Buffer, out: Buffer[]): void {
    let value: unknown;
    try {
      value = JSON.parse(element.toString("utf8"));
    } catch {
      return; // What cannot be read is not shown.
    }
    if (!objectShown(value, this.keep)) return;
    if (this.wroteElement) out.push(Buffer.from(","));
    out.push(element);
    this.wroteElement = true;
  }

  /** Remembers the last string at the top level: the key a following ':' belongs to. */
  private trackKey(chunk: Buffer, i: number, kind: StringByte): void {
    if (kind === StringByte.Open) {
      this.stringStart = i + 1;
      this.keyBytes = [];
    } else if (kind === StringByte.Close && this.stringStart >= 0) {
      this.keyBytes.push(chunk.subarray(this.stringStart, i));
      this.key = Buffer.concat(this.keyBytes).toString("utf8");
      this.stringStart = -1;
      this.afterColon = false;
    }
  }
}

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
  private eventStart = -1;

  constructor(private readonly keep: ObjectPredicate) {
    super();
  }

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.eventStart = this.eventStart >= 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] ?? 0;
      if (this.stringByte(byte) !== StringByte.Structural) continue;
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (this.depth === 0) {
          this.eventStart = i;
          this.startCapture();
        }
        this.depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0 && this.eventStart >= 0) {
          this.judge(this.takeCapture(chunk, this.eventStart, i + 1), out);
          this.eventStart = -1;
        }
      }
    }
    if (this.eventStart >= 0) this.carry(chunk, this.eventStart);
    return out;
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
