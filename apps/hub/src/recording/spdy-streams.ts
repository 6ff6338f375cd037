import { inflateSync, constants } from "node:zlib";

import { RecordedStream } from "./recorded-event.js";
import type { StreamSink } from "./websocket-channels.js";

/** SPDY/3's zlib dictionary for header blocks: its header names, then common values. */
const HEADER_NAMES = [
  "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
  "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization",
  "cache-control", "connection", "content-base", "content-encoding", "content-language",
  "content-length", "content-location", "content-md5", "content-range", "content-type", "date",
  "etag", "expect", "expires", "from", "host", "if-match", "if-modified-since",
  "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location",
  "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
  "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary",
  "via", "warning", "www-authenticate", "method", "get", "status", "200 OK", "version",
  "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin",
]; // prettier-ignore
const DICTIONARY_TAIL =
  "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
  "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 " +
  "Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 " +
  "Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, " +
  "Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif," +
  "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=" +
  "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

export const SPDY_DICTIONARY = Buffer.concat([
  ...HEADER_NAMES.flatMap((name) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(name.length);
    return [length, Buffer.from(name)];
  }),
  Buffer.from(DICTIONARY_TAIL),
]);

const SYN_STREAM = 1;
const FRAME_HEADER_BYTES = 8;
/** Control frames are read whole; a SYN_STREAM is a few hundred bytes. */
const MAX_CONTROL_FRAME_BYTES = 64 * 1024;
/** A session's header blocks are about a kilobyte; past this a client is playing games. */
const MAX_HEADER_BLOCK_BYTES = 256 * 1024;

const STREAM_TYPES: Record<string, RecordedStream> = {
  stdin: RecordedStream.Stdin,
  stdout: RecordedStream.Stdout,
  stderr: RecordedStream.Stderr,
  error: RecordedStream.Error,
  resize: RecordedStream.Resize,
};

/** What kind each SPDY stream of one connection is, learned from the client's SYN_STREAMs. */
export type SpdyStreamKinds = Map<number, RecordedStream>;

/**
 * The client's header blocks share one zlib stream for the whole connection, so each new
 * block is inflated with all before it; a session opens five streams, so this stays small.
 */
class HeaderBlocks {
  private compressed = Buffer.alloc(0);
  private seen = 0;
  next(block: Buffer): Buffer {
    if (this.compressed.length + block.length > MAX_HEADER_BLOCK_BYTES) return Buffer.alloc(0);
    this.compressed = Buffer.concat([this.compressed, block]);
    const all = inflateSync(this.compressed, {
      dictionary: SPDY_DICTIONARY,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const fresh = all.subarray(this.seen);
    this.seen = all.length;
    return fresh;
  }
}

function streamType(headers: Buffer): string | undefined {
  let at = 4;
  const count = headers.readUInt32BE(0);
  for (let i = 0; i < count && at < headers.length; i++) {
    const nameLength = headers.readUInt32BE(at);
    const name = headers.toString("latin1", at + 4, at + 4 + nameLength);
    at += 4 + nameLength;
    const valueLength = headers.readUInt32BE(at);
    const value = headers.toString("latin1", at + 4, at + 4 + valueLength);
    at += 4 + valueLength;
    if (name === "streamtype") return value;
  }
  return undefined;
}

/**
 * Reads one direction of a Kubernetes SPDY/3.1 remote command connection as it passes: the
 * client names each stream's kind in its SYN_STREAM headers ("streamtype": stdin, stdout…),
 * and DATA frames carry a stream's bytes. Data frames are not held, only control frames.
 */
export function spdyStreams(kinds: SpdyStreamKinds, sink: StreamSink): (chunk: Buffer) => void {
  const headerBlocks = new HeaderBlocks();
  let header = Buffer.alloc(0);
  let remaining = 0;
  let dataKind: RecordedStream | undefined;
  let control: Buffer[] | undefined;

  const controlFrame = (frame: Buffer) => {
    if (frame.readUInt16BE(2) !== SYN_STREAM || frame.length < FRAME_HEADER_BYTES + 10) return;
    const streamId = frame.readUInt32BE(FRAME_HEADER_BYTES) & 0x7fffffff;
    let kind: string | undefined;
    try {
      kind = streamType(headerBlocks.next(frame.subarray(FRAME_HEADER_BYTES + 10)));
    } catch {
      // Not SPDY as kubectl writes it: the stream stays unknown and its data unrecorded.
      return;
    }
    const stream = kind === undefined ? undefined : STREAM_TYPES[kind];
    if (stream !== undefined) kinds.set(streamId, stream);
  };

  const headerDone = () => {
    remaining = header.readUInt32BE(4) & 0xffffff;
    const isControl = ((header[0] ?? 0) & 0x80) !== 0;
    dataKind = isControl ? undefined : kinds.get(header.readUInt32BE(0) & 0x7fffffff);
    control = isControl && remaining <= MAX_CONTROL_FRAME_BYTES ? [header] : undefined;
    header = Buffer.alloc(0);
    if (remaining === 0 && control) finishControl();
  };

  const finishControl = () => {
    const frame = Buffer.concat(control ?? []);
    control = undefined;
    controlFrame(frame);
  };

  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (remaining > 0) {
        const taken = Math.min(remaining, chunk.length - at);
        const piece = chunk.subarray(at, at + taken);
        if (control) control.push(piece);
        else if (dataKind !== undefined) sink(dataKind, piece);
        remaining -= taken;
        at += taken;
        if (remaining === 0 && control) finishControl();
        continue;
      }
      const needed = FRAME_HEADER_BYTES - header.length;
      header = Buffer.concat([header, chunk.subarray(at, at + needed)]);
      at += Math.min(needed, chunk.length - at);
      if (header.length === FRAME_HEADER_BYTES) headerDone();
    }
  };
}
