/**
 * What a recording keeps: the streams of Kubernetes' remote command protocol, numbered as its
 * channels are (so a WebSocket channel byte is the stream as it is).
 */
export enum RecordedStream {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  /** The API server's Status at the end: the exit code. */
  Error = 3,
  /** A terminal resize, as the client's JSON {"Width":…,"Height":…}. */
  Resize = 4,
}

const STREAMS: readonly RecordedStream[] = [
  RecordedStream.Stdin,
  RecordedStream.Stdout,
  RecordedStream.Stderr,
  RecordedStream.Error,
  RecordedStream.Resize,
];

/** The stream a channel number names; undefined for one the protocol does not record. */
export const streamOf = (channel: number): RecordedStream | undefined => STREAMS[channel];

export interface RecordedEvent {
  stream: RecordedStream;
  /** Milliseconds since the session started. */
  offsetMs: number;
  data: Buffer;
}

/** stream (1 byte), offset in ms (4), length (4), then the bytes. */
const HEADER_BYTES = 9;

/** Events as one chunk of a recording, in order. */
export function encodeEvents(events: readonly RecordedEvent[]): Buffer {
  const size = events.reduce((sum, e) => sum + HEADER_BYTES + e.data.length, 0);
  const chunk = Buffer.allocUnsafe(size);
  let at = 0;
  for (const event of events) {
    chunk.writeUInt8(event.stream, at);
    chunk.writeUInt32BE(Math.min(Math.round(event.offsetMs), 0xffffffff), at + 1);
    chunk.writeUInt32BE(event.data.length, at + 5);
    event.data.copy(chunk, at + HEADER_BYTES);
    at += HEADER_BYTES + event.data.length;
  }
  return chunk;
}

/** The events of a chunk; a chunk cut short (never written so) yields those before the cut. */
export function decodeEvents(chunk: Buffer): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let at = 0;
  while (at + HEADER_BYTES <= chunk.length) {
    const length = chunk.readUInt32BE(at + 5);
    const end = at + HEADER_BYTES + length;
    const stream = streamOf(chunk.readUInt8(at));
    if (end > chunk.length || stream === undefined) break;
    events.push({
      stream,
      offsetMs: chunk.readUInt32BE(at + 1),
      data: chunk.subarray(at + HEADER_BYTES, end),
    });
    at = end;
  }
  return events;
}
