import { expect } from "vitest";

/** What a hub logs when it ends the recordings of a replica that stopped mid-session. */
export const ORPHANS_ENDED =
  "ended the recordings of a hub replica that stopped before its sessions did";

/** A played recording, as `warrenctl recordings play --format json` prints it (in part). */
export interface PlayedEnd {
  endedAt?: string;
  endReason?: string;
  events: { stream: string; text?: string }[];
}

/**
 * Asserts a recording was ended for the replica that stopped, with the one line typed before
 * it stopped kept both ways (typed, echoed).
 */
export function expectEndedForStoppedReplica(recording: PlayedEnd, line: string): void {
  expect(recording.endedAt).toBeDefined();
  expect(recording.endReason).toMatch(
    /^the hub replica recording it \(.+\) stopped before the session ended$/,
  );
  expect(recording.events.map((e) => [e.stream, e.text])).toEqual([
    ["stdin", `${line}\n`],
    ["stdout", `${line}\n`],
  ]);
}
