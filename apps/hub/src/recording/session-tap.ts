import type { HeaderLine } from "@warren/kube";

import { RecordedStream } from "./recorded-event.js";
import type { SessionRecorder } from "./session-recorder.js";
import { spdyStreams, type SpdyStreamKinds } from "./spdy-streams.js";
import { webSocketChannels } from "./websocket-channels.js";

/** The protocol of an upgraded exec or attach, from the API server's 101 answer. */
export interface StreamProtocol {
  kind: "websocket" | "spdy";
  /** The channel protocol: a WebSocket subprotocol, or SPDY's X-Stream-Protocol-Version. */
  protocol: string;
}

const header = (headers: readonly HeaderLine[], name: string) =>
  headers.find((h) => h.name.toLowerCase() === name)?.value ?? "";

export function streamProtocolOf(headers: readonly HeaderLine[]): StreamProtocol | undefined {
  const upgrade = header(headers, "upgrade").toLowerCase();
  if (upgrade === "websocket") {
    return { kind: "websocket", protocol: header(headers, "sec-websocket-protocol") };
  }
  if (upgrade.startsWith("spdy/")) {
    return { kind: "spdy", protocol: header(headers, "x-stream-protocol-version") };
  }
  return undefined;
}

/** Both directions of an upgraded session, read as they pass and recorded. */
export interface SessionTap {
  fromClient(chunk: Buffer): void;
  fromServer(chunk: Buffer): void;
  /** Records how the session ended; `endedBy` when the hub ended it. */
  end(endedBy?: string): Promise<void>;
}

const CLIENT_STREAMS = new Set([RecordedStream.Stdin, RecordedStream.Resize]);

/**
 * Each direction records only its own streams: what the client sends on an output channel
 * never reaches a recording as the command's output.
 */
export function tapSession(recorder: SessionRecorder, stream: StreamProtocol): SessionTap {
  const sinkFor = (client: boolean) => (kind: RecordedStream, data: Buffer) => {
    if (CLIENT_STREAMS.has(kind) === client) recorder.record(kind, data);
  };
  let fromClient: (chunk: Buffer) => void;
  let fromServer: (chunk: Buffer) => void;
  if (stream.kind === "websocket") {
    fromClient = webSocketChannels(stream.protocol, sinkFor(true));
    fromServer = webSocketChannels(stream.protocol, sinkFor(false));
  } else {
    // Streams are the client's to open; the server's data frames name the same stream ids.
    const kinds: SpdyStreamKinds = new Map();
    fromClient = spdyStreams(kinds, sinkFor(true));
    fromServer = spdyStreams(kinds, sinkFor(false));
  }
  return { fromClient, fromServer, end: (endedBy) => recorder.end(endedBy) };
}
