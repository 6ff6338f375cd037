import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as delay } from "node:timers/promises";

import { startDaemon, type Daemon } from "../k8s/daemon.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const LOG_POLL_MS = 100;

/** warren-hub or warren-agent from source, in the background, logging to `logPath`. */
export function startWarrenDaemon(
  app: "hub" | "agent",
  args: readonly string[],
  logPath: string,
  env: NodeJS.ProcessEnv = process.env,
): Daemon {
  return startDaemon({
    command: process.execPath,
    args: [
      "--max-semi-space-size=64",
      "--import",
      "tsx",
      "--conditions=@warren/source",
      join(repoRoot, `apps/${app}/src/bin.ts`),
      ...args,
    ],
    cwd: repoRoot,
    logPath,
    dieWithParent: false,
    env,
  });
}

type LogEntry = Record<string, unknown>;

function entries(text: string): LogEntry[] {
  return text.split("\n").flatMap((line) => {
    try {
      return [JSON.parse(line) as LogEntry];
    } catch {
      return [];
    }
  });
}

/**
 * The first JSON log line whose msg is `msg`, read from a daemon's log file as it grows (the
 * daemon writes to the file, not to us). Fails if the daemon exits first or after timeoutMs.
 */
export async function waitForLogEntry(
  daemon: Daemon,
  logPath: string,
  msg: string,
  timeoutMs = 60_000,
): Promise<LogEntry> {
  const daemonState = { exited: false };
  const onExit = () => {
    daemonState.exited = true;
  };
  daemon.exited.then(onExit, onExit);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(logPath) ? await readFile(logPath, "utf8") : "";
    const found = entries(text).find((entry) => entry.msg === msg);
    if (found) return found;
    const { exited } = daemonState;
    if (exited || Date.now() > deadline) {
      const tail = text.trimEnd().split("\n").slice(-10).join("\n");
      throw new Error(
        `${exited ? "exited" : `no "${msg}" within ${timeoutMs} ms`}; see ${logPath}:\n${tail}`,
      );
    }
    await delay(LOG_POLL_MS);
  }
}
