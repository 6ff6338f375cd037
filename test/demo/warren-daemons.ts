import { existsSync } from "node:fs";
import { readFile, watch } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { startDaemon, type Daemon } from "../k8s/daemon.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

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

async function findEntry(logPath: string, msg: string): Promise<LogEntry | undefined> {
  const text = existsSync(logPath) ? await readFile(logPath, "utf8") : "";
  return entries(text).find((entry) => entry.msg === msg);
}

async function failure(logPath: string, why: string): Promise<Error> {
  const text = existsSync(logPath) ? await readFile(logPath, "utf8") : "";
  const tail = text.trimEnd().split("\n").slice(-10).join("\n");
  return new Error(`${why}; see ${logPath}:\n${tail}`);
}

/**
 * The first JSON log line whose msg is `msg`, read from a daemon's log file each time the file
 * changes (the daemon writes to the file, not to us). Fails if the daemon exits first or after
 * timeoutMs.
 */
export async function waitForLogEntry(
  daemon: Daemon,
  logPath: string,
  msg: string,
  timeoutMs = 60_000,
): Promise<LogEntry> {
  const stop = new AbortController();
  const timer = setTimeout(() => {
    stop.abort(new Error(`no "${msg}" within ${String(timeoutMs)} ms`));
  }, timeoutMs);
  const onExit = () => {
    stop.abort(new Error(`exited before "${msg}"`));
  };
  daemon.exited.then(onExit, onExit);
  // Watching first, then reading: a line written in between is not missed.
  const changes = watch(logPath, { signal: stop.signal })[Symbol.asyncIterator]();
  try {
    let found = await findEntry(logPath, msg);
    while (!found) {
      await changes.next();
      found = await findEntry(logPath, msg);
    }
    return found;
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  // A daemon may log its last line as it exits.
  const last = await findEntry(logPath, msg);
  if (last) return last;
  throw await failure(logPath, (stop.signal.reason as Error).message);
}
