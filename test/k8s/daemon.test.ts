import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { isAlive, isRunningDaemon, startDaemon, stopDaemon } from "./daemon.js";
import { eventually } from "../support/eventually.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-daemon-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("daemons", () => {
  it("stops the whole process group, including what the daemon started", async () => {
    const logPath = join(dir, "log");
    // The shell prints its child's pid, then waits on it: two processes in one group.
    const daemon = startDaemon({
      command: "/bin/sh",
      args: ["-c", "sleep 300 & echo $!; wait"],
      cwd: dir,
      logPath,
      dieWithParent: true,
    });
    const childPid = await eventually(
      async () => Number((await readFile(logPath, "utf8")).trim()) || undefined,
      { description: "the daemon to report its child's pid" },
    );
    expect(isRunningDaemon(daemon)).toBe(true);
    await stopDaemon(daemon);
    await daemon.exited;
    expect(isAlive(daemon.pid)).toBe(false);
    await eventually(() => !isAlive(childPid), { description: "the daemon's child to exit" });
  });

  it("never treats a reused pid as its daemon", () => {
    expect(isRunningDaemon({ pid: process.pid, command: "/usr/bin/not-this-process" })).toBe(false);
  });
});
