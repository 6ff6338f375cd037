import { StringDecoder } from "node:string_decoder";
import { setTimeout as delay } from "node:timers/promises";

import type { RecordedEvent, SessionRecording } from "@warren/proto";

import type { Command, CommandContext } from "../../command.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";
import { durationFlag, requiredArg, stringFlag } from "../../flag-values.js";
import { FORMAT_FLAG, formatOf, json } from "../../output/format.js";
import { recordingJson } from "./ls.js";

const STREAMS = ["stdin", "stdout", "stderr", "error", "resize"];
const OUTPUT_STREAMS = new Set([1, 2]);

/** Every event of a recording, a page at a time, in order. */
async function* eventsOf(
  context: CommandContext,
  id: string,
): AsyncGenerator<{ recording: SessionRecording; event: RecordedEvent }> {
  const hub = await context.hub();
  let fromChunk = 0;
  for (;;) {
    const page = await hub.call(hub.admin.getSessionRecording.bind(hub.admin), { id, fromChunk });
    if (!page.recording) return;
    for (const event of page.events) yield { recording: page.recording, event };
    if (!page.more) return;
    fromChunk = page.nextChunk;
  }
}

function speedOf(text: string | undefined): number {
  const speed = Number(text ?? "1");
  if (text !== undefined && (text.trim() === "" || !Number.isFinite(speed) || speed < 0)) {
    throw new WarrenctlError(
      WarrenctlErrorCode.InvalidFlag,
      `--speed: "${text}" is not a number ≥ 0 (2 plays twice as fast, 0 prints at once)`,
    );
  }
  return speed;
}

/** Text when the bytes are UTF-8 that reads back the same, else base64. */
function eventJson(event: RecordedEvent) {
  const data = Buffer.from(event.data);
  const text = data.toString("utf8");
  const exact = Buffer.from(text, "utf8").equals(data);
  return {
    stream: STREAMS[event.stream] ?? String(event.stream),
    offsetMs: event.offsetMs,
    ...(exact ? { text } : { base64: data.toString("base64") }),
  };
}

export const recordingsPlay: Command = {
  noun: "recordings",
  verb: "play",
  summary: "play a recorded session's output at its pace, or print all its events",
  args: "ID",
  flags: {
    speed: { type: "string" },
    "max-idle": { type: "string" },
    ...FORMAT_FLAG,
  },
  flagHelp: [
    "--speed N            N times as fast (default 1; 0 prints at once)",
    "--max-idle 2s        longest pause played (default 2s)",
    "--format text|json   json: every event (input, output, resizes) with its time",
  ],
  async run(context, flags, args) {
    const id = requiredArg(args, "recording", "warrenctl recordings play ID (see recordings ls)");
    const format = formatOf(flags);
    const speed = speedOf(stringFlag(flags, "speed"));
    const maxIdleMs = durationFlag(flags, "max-idle") ?? 2000;
    if (format === "json") {
      let recording: SessionRecording | undefined;
      const events = [];
      for await (const page of eventsOf(context, id)) {
        recording = page.recording;
        events.push(eventJson(page.event));
      }
      context.stdout.write(json({ ...(recording ? recordingJson(recording) : {}), events }));
      return;
    }
    const decoder = new StringDecoder("utf8");
    let at = 0;
    for await (const { event } of eventsOf(context, id)) {
      if (!OUTPUT_STREAMS.has(event.stream)) continue;
      const waitMs = Math.min(event.offsetMs - at, maxIdleMs);
      if (speed > 0 && waitMs > 0) await delay(waitMs / speed);
      at = event.offsetMs;
      context.stdout.write(decoder.write(Buffer.from(event.data)));
    }
    context.stdout.write(decoder.end());
  },
};
