import { errorFields, type Logger } from "@warren/log";
import type { RecordingRepository, SessionRecordingRecord } from "@warren/store";

import type { Clock } from "../clock.js";
import { exitStatusOf } from "./exit-status.js";
import { encodeEvents, RecordedStream, type RecordedEvent } from "./recorded-event.js";

export interface RecorderDeps {
  recordings: RecordingRepository;
  clock: Clock;
  logger: Logger;
  /** How long events wait before they are written as one chunk. */
  flushIntervalMs: number;
}

/**
 * A chunk is written sooner once this much waits. Each chunk is a commit (a disk sync):
 * at 64 KiB, a session streaming data spent more of the hub on commits than on relaying.
 */
const FLUSH_BYTES = 256 * 1024;
/** Events waiting on a store that does not keep up: past this the session is ended. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;
/** The error channel carries one Status; more is not kept for the exit code. */
const MAX_ERROR_CHANNEL_BYTES = 64 * 1024;

/**
 * Records one session as it runs: events are stamped with the time since it started and
 * written in chunks, one write at a time and in order. A write that fails calls `onFailure`
 * once (the caller ends the session: what is not recorded does not run) and records no more.
 */
export class SessionRecorder {
  private readonly startedMs = performance.now();
  private pending: RecordedEvent[] = [];
  private pendingBytes = 0;
  private totalBytes = 0;
  private seq = 0;
  private errorChannel: Buffer[] = [];
  private errorBytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private failed = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly deps: RecorderDeps,
    readonly recording: SessionRecordingRecord,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => {
      this.flush();
    }, deps.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes the recording's row first: a session whose recording cannot start does not run. */
  static async start(
    deps: RecorderDeps,
    recording: SessionRecordingRecord,
    onFailure: (error: unknown) => void,
  ): Promise<SessionRecorder> {
    await deps.recordings.start(recording);
    return new SessionRecorder(deps, recording, onFailure);
  }

  record(stream: RecordedStream, data: Buffer): void {
    if (this.failed || data.length === 0) return;
    const offsetMs = performance.now() - this.startedMs;
    // Copied: `data` may be a view into a whole Proxy message (read in place, see proxyMethod),
    // which a small event kept for up to a second would otherwise hold in memory.
    this.pending.push({ stream, offsetMs, data: Buffer.from(data) });
    this.pendingBytes += data.length;
    this.totalBytes += data.length;
    if (stream === RecordedStream.Error && this.errorBytes < MAX_ERROR_CHANNEL_BYTES) {
      this.errorChannel.push(data);
      this.errorBytes += data.length;
    }
    if (this.pendingBytes > MAX_PENDING_BYTES) {
      this.fail(new Error("the store does not keep up with the session's recording"));
    } else if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Writes what waits and how the session ended; `endedBy` is why, if the hub ended it. */
  async end(endedBy?: string): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await this.writing;
    if (this.failed) return;
    const exit = exitStatusOf(Buffer.concat(this.errorChannel));
    try {
      await this.deps.recordings.finish(this.recording.id, {
        endedAt: this.deps.clock.now(),
        ...(exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}),
        // A known exit code says most; else why the hub ended it; else what the server said.
        endReason:
          exit.exitCode !== undefined
            ? exit.reason
            : (endedBy ?? (exit.reason || "the connection closed")),
        bytes: this.totalBytes,
      });
    } catch (error) {
      this.deps.logger.error(
        { recording: this.recording.id, ...errorFields(error) },
        "cannot write the end of a session's recording",
      );
    }
  }

  private flush(): void {
    if (this.failed || this.pending.length === 0) return;
    const chunk = encodeEvents(this.pending);
    const seq = this.seq++;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = this.writing.then(() =>
      this.failed
        ? undefined
        : this.deps.recordings.append(this.recording.id, seq, chunk).catch((error: unknown) => {
            this.fail(error);
          }),
    );
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.pending = [];
    clearInterval(this.timer);
    this.deps.logger.error(
      { recording: this.recording.id, ...errorFields(error) },
      "cannot write a session's recording: ending the session",
    );
    this.onFailure(error);
  }
}
