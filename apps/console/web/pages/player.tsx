import { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "preact/hooks";

import type { RecordingEventsResponse } from "../../src/api-types.ts";
import { Playback } from "../playback.ts";
import { useApi } from "../use-api.ts";
import { Problem, when } from "./parts.tsx";

const SPEEDS = [0.5, 1, 2, 4, 8, 16];

/** m:ss.t: sessions are often seconds long. */
const clock = (ms: number) => {
  const tenths = Math.floor(ms / 100);
  const seconds = Math.floor(tenths / 10);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}.${tenths % 10}`;
};

export function PlayerPage({ id }: { id: string }) {
  const loaded = useApi<RecordingEventsResponse>(`recordings/${encodeURIComponent(id)}`);
  const screen = useRef<HTMLDivElement>(null);
  const [playback, setPlayback] = useState<Playback>();
  const [, redraw] = useState(0);
  useEffect(() => {
    if (!loaded.data || !screen.current) return undefined;
    const terminal = new Terminal({
      convertEol: !loaded.data.recording.tty,
      disableStdin: true,
      cols: 100,
      rows: 28,
      scrollback: 10_000,
    });
    terminal.open(screen.current);
    const played = new Playback(loaded.data.events, terminal, () => {
      redraw((n) => n + 1);
    });
    setPlayback(played);
    played.play();
    return () => {
      played.pause();
      terminal.dispose();
    };
  }, [loaded.data]);
  const recording = loaded.data?.recording;
  return (
    <section class="player">
      <h1>Recorded session</h1>
      <Problem loaded={loaded} />
      {recording && (
        <p class="meta">
          <strong>{recording.user}</strong> on <strong>{recording.cluster}</strong>,{" "}
          {recording.namespace}/{recording.pod}:{" "}
          <code>{recording.command.join(" ") || "(attach)"}</code>, {when(recording.startedAt)}
          {recording.endedAt ? `, ended: ${recording.endReason}` : ", still running"}
        </p>
      )}
      {playback && (
        <div class="controls">
          <button
            type="button"
            onClick={() => {
              if (playback.playing) playback.pause();
              else playback.play();
            }}
          >
            {playback.playing ? "Pause" : "Play"}
          </button>
          <input
            type="range"
            aria-label="position"
            min={0}
            max={playback.durationMs}
            step={10}
            value={Math.round(playback.position)}
            onInput={(e) => {
              playback.seek(Number(e.currentTarget.value));
            }}
          />
          <span class="time">
            {clock(playback.position)} / {clock(playback.durationMs)}
          </span>
          <label>
            speed
            <select
              aria-label="speed"
              value={String(playback.speed)}
              onChange={(e) => {
                playback.speed = Number(e.currentTarget.value);
                redraw((n) => n + 1);
              }}
            >
              {SPEEDS.map((s) => (
                <option value={String(s)}>{s}×</option>
              ))}
            </select>
          </label>
        </div>
      )}
      <div class="screen" ref={screen} />
    </section>
  );
}
