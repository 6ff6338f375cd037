import type { Terminal } from "@xterm/xterm";
import { describe, expect, it } from "vitest";

import { Playback } from "./playback.ts";

/** What a terminal was told: the text written since its last reset, and its size. */
function screen() {
  const state = { text: "", cols: 80, rows: 24 };
  const terminal = {
    reset: () => (state.text = ""),
    write: (bytes: Uint8Array) => (state.text += new TextDecoder().decode(bytes)),
    resize: (cols: number, rows: number) => Object.assign(state, { cols, rows }),
  } as unknown as Terminal; // only what Playback calls
  return { state, terminal };
}

const b64 = (text: string) => btoa(text);

describe("Playback", () => {
  it("seeks by redrawing everything up to that moment: output and resizes, not input", () => {
    const { state, terminal } = screen();
    const playback = new Playback(
      [
        { stream: 0, offsetMs: 0, data: b64("typed\n") },
        { stream: 4, offsetMs: 5, data: b64('{"Width":120,"Height":40}') },
        { stream: 1, offsetMs: 10, data: b64("one ") },
        { stream: 2, offsetMs: 500, data: b64("two ") },
        { stream: 1, offsetMs: 1000, data: b64("three") },
      ],
      terminal,
      () => undefined,
    );
    expect(playback.durationMs).toBe(1000);
    playback.seek(600);
    expect(state).toEqual({ text: "one two ", cols: 120, rows: 40 });
    playback.seek(20);
    expect(state.text).toBe("one ");
    playback.seek(5000);
    expect(state.text).toBe("one two three");
    expect(playback.position).toBe(1000);
  });
});
