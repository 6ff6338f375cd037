import type { Terminal } from "@xterm/xterm";

import type { ConsoleRecordedEvent } from "../src/api-types.ts";

const STDOUT = 1;
const STDERR = 2;
const RESIZE = 4;
const TICK_MS = 30;

interface Played {
  stream: number;
  offsetMs: number;
  bytes: Uint8Array;
}

const decode = (event: ConsoleRecordedEvent): Played => ({
  stream: event.stream,
  offsetMs: event.offsetMs,
  bytes: Uint8Array.from(atob(event.data), (c) => c.charCodeAt(0)),
});

/**
 * Plays a recording into a terminal at its own pace times `speed`; seeking redraws the screen
 * from the start up to that moment at once (a terminal's state is everything written so far).
 */
export class Playback {
  private readonly events: Played[];
  private next = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastTick = 0;
  position = 0;
  speed = 1;
  readonly durationMs: number;

  constructor(
    events: readonly ConsoleRecordedEvent[],
    private readonly terminal: Terminal,
    private readonly changed: () => void,
  ) {
    this.events = events.map(decode);
    this.durationMs = this.events.at(-1)?.offsetMs ?? 0;
  }

  get playing(): boolean {
    return this.timer !== undefined;
  }

  play(): void {
    if (this.playing) return;
    if (this.position >= this.durationMs) this.seek(0);
    this.lastTick = performance.now();
    this.schedule();
    this.changed();
  }

  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.changed();
  }

  seek(ms: number): void {
    this.terminal.reset();
    this.next = 0;
    this.position = Math.max(0, Math.min(ms, this.durationMs));
    this.writeUpTo(this.position);
    this.changed();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      const now = performance.now();
      this.position = Math.min(this.durationMs, this.position + (now - this.lastTick) * this.speed);
      this.lastTick = now;
      this.writeUpTo(this.position);
      if (this.position >= this.durationMs) {
        this.timer = undefined;
      } else this.schedule();
      this.changed();
    }, TICK_MS);
  }

  private writeUpTo(ms: number): void {
    for (; this.next < this.events.length; this.next++) {
      const event = this.events[this.next];
      if (!event || event.offsetMs > ms) break;
      if (event.stream === STDOUT || event.stream === STDERR) this.terminal.write(event.bytes);
      else if (event.stream === RESIZE) this.resize(event.bytes);
    }
  }

  private resize(bytes: Uint8Array): void {
    try {
      const size = JSON.parse(new TextDecoder().decode(bytes)) as {
        Width?: number;
        Height?: number;
      };
      if (size.Width && size.Height) this.terminal.resize(size.Width, size.Height);
    } catch {
      // Not a size: the terminal keeps its own.
    }
  }
}
