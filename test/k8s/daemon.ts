import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";

export interface DaemonOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** stdout and stderr are appended here. */
  logPath: string;
  /**
   * Kill the daemon when this process dies (Linux parent-death signal via setpriv), so a
   * crashed test run leaves nothing behind. Off for `npm run k8s -- up`, whose daemons
   * outlive the command that started them.
   */
  dieWithParent: boolean;
  /** The daemon's environment; default this process's. */
  env?: NodeJS.ProcessEnv;
}

export interface Daemon extends DaemonRecord {
  /** Settles when the daemon exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDaemon(options: DaemonOptions): Daemon {
  const log = openSync(options.logPath, "a");
  try {
    const [command, args] = options.dieWithParent
      ? ["setpriv", ["--pdeathsig", "SIGKILL", "--", options.command, ...options.args]]
      : [options.command, options.args];
    // detached: its own process group, so stopping it also stops anything it started.
    const child = spawn(command, args, {
      cwd: options.cwd,
      detached: true,
      env: options.env ?? process.env,
      stdio: ["ignore", log, log],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (code, signal) => {
          resolve({ code, signal });
        });
      },
    );
    if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
    child.unref();
    return { pid: child.pid, command: options.command, exited };
  } finally {
    closeSync(log);
  }
}

/** A process we started, recorded so that another process can stop it later. */
export interface DaemonRecord {
  pid: number;
  command: string;
}

/**
 * True when `record.pid` is still the program we started: after a reboot or a long while the
 * pid may belong to something else, which must never be signalled.
 */
export function isRunningDaemon(record: DaemonRecord): boolean {
  if (!isAlive(record.pid)) return false;
  try {
    const argv0 = readFileSync(`/proc/${record.pid}/cmdline`, "utf8").split("\0")[0];
    return argv0 === record.command;
  } catch {
    return false;
  }
}

/** Whether a process with this pid exists (whoever it belongs to). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

const STOP_POLL_MS = 50;

/** SIGTERM to the daemon's process group, then SIGKILL if it is still there after graceMs. */
export async function stopDaemon(record: DaemonRecord, graceMs = 10_000): Promise<void> {
  if (!isRunningDaemon(record)) return;
  const { pid } = record;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(STOP_POLL_MS);
  if (isAlive(pid)) {
    signalGroup(pid, "SIGKILL");
    while (isAlive(pid)) await delay(STOP_POLL_MS);
  }
}
