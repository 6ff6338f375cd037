import type { RecordingRepository, SessionRecordingRecord } from "@warren/store";
import { createLogger } from "@warren/log";
import { describe, expect, it } from "vitest";

import { decodeEvents, RecordedStream } from "./recorded-event.js";
import { SessionRecorder } from "./session-recorder.js";
import { tapSession } from "./session-tap.js";

const NOW = new Date("2026-12-01T10:00:00Z");

/** A store that keeps chunks in memory, and fails appends once told to. */
function memoryRecordings() {
  const chunks: Buffer[] = [];
  const ends: unknown[] = [];
  const state = { failing: false };
  const repository = {
    start: () => Promise.resolve(),
    append: (_id: string, _seq: number, data: Buffer) =>
      state.failing
        ? Promise.reject(new Error("disk full"))
        : (chunks.push(data), Promise.resolve()),
    finish: (_id: string, end: unknown) => (ends.push(end), Promise.resolve(true)),
  } as unknown as RecordingRepository; // only what the recorder calls
  return { repository, chunks, ends, state };
}

const recording = { id: "req-1" } as SessionRecordingRecord;

async function recorder(
  store: ReturnType<typeof memoryRecordings>,
  onFailure: (error: unknown) => void = () => undefined,
) {
  return SessionRecorder.start(
    {
      recordings: store.repository,
      clock: { now: () => NOW },
      logger: createLogger({ name: "test", level: "silent" }),
      flushIntervalMs: 60_000,
    },
    recording,
    onFailure,
  );
}

/** A server's unmasked binary WebSocket frame on a channel. */
const frame = (channel: number, text: string) => {
  const payload = Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
  return Buffer.concat([Buffer.from([0x82, payload.length]), payload]);
};

describe("session recorder", () => {
  it("records each direction's own streams only, and the exit code at the end", async () => {
    const store = memoryRecordings();
    const tap = tapSession(await recorder(store), {
      kind: "websocket",
      protocol: "v5.channel.k8s.io",
    });
    tap.fromServer(frame(1, "real output"));
    // A client writing on the output channel does not get its words into the recording.
    tap.fromClient(frame(1, "forged output"));
    tap.fromServer(frame(0, "forged input"));
    tap.fromServer(
      frame(
        3,
        '{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"7"}]}}',
      ),
    );
    await tap.end();
    const events = store.chunks.flatMap(decodeEvents);
    expect(events.map((e) => [e.stream, e.data.toString().slice(0, 11)])).toEqual([
      [RecordedStream.Stdout, "real output"],
      [RecordedStream.Error, '{"status":"'],
    ]);
    expect(store.ends).toEqual([
      {
        endedAt: NOW,
        exitCode: 7,
        endReason: "exit code 7",
        bytes: events.reduce((n, e) => n + e.data.length, 0),
      },
    ]);
  });

  it("says when the hub ended the session, and ends it when its recording cannot be written", async () => {
    const store = memoryRecordings();
    const failures: unknown[] = [];
    const session = await recorder(store, (error: unknown) => failures.push(error));
    session.record(RecordedStream.Stdout, Buffer.alloc(64 * 1024, 1));
    await session.end("user alice is locked");
    expect(store.ends).toMatchObject([{ endReason: "user alice is locked" }]);
    store.state.failing = true;
    const failing = await recorder(store, (error: unknown) => failures.push(error));
    failing.record(RecordedStream.Stdout, Buffer.alloc(64 * 1024, 1));
    await failing.end();
    expect(failures).toEqual([new Error("disk full")]);
    // Its end is not written: the recording stays as far as it got, with no false ending.
    expect(store.ends).toHaveLength(1);
  });
});
