import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

import { ProcessLogs } from "./process-logs.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export type WarrenApp = "hub" | "agent" | "operator";

export interface WarrenProcess {
  pid: number;
  logs: ProcessLogs;
  exited: Promise<number | null>;
  /** SIGTERM and wait: the graceful stop a kubelet or systemd would do. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<number | null>;
}

/**
 * Runs warren-hub or warren-agent from source as its own process, the way its binary runs,
 * with stdout and stderr captured into one log.
 */
export function spawnWarren(
  app: WarrenApp,
  args: readonly string[],
  env: Record<string, string | undefined>,
): WarrenProcess {
  // Tests run many agents side by side: each serves its diagnostics on a free port.
  const defaults = app === "agent" ? { WARREN_DIAGNOSTICS_ADDR: "127.0.0.1:0" } : {};
  return spawnScript(`apps/${app}/src/bin.ts`, args, { ...defaults, ...env });
}

/** `npm run bench -- … --cpu-prof DIR`: every process it starts writes a V8 CPU profile there. */
export const CPU_PROFILE_DIR_ENV = "WARREN_CPU_PROFILE_DIR";

function profiling(): string[] {
  const dir = process.env[CPU_PROFILE_DIR_ENV];
  // Node refuses --cpu-prof in NODE_OPTIONS: it goes on the command line.
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}

/** Runs a TypeScript entry point of this repository (path from its root) as a process. */
export function spawnScript(
  entry: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): WarrenProcess {
  const child = spawn(
    process.execPath,
    // As the binaries run (see their shebang).
    [
      "--max-semi-space-size=64",
      ...profiling(),
      "--import",
      "tsx",
      "--conditions=@warren/source",
      entry,
      ...args,
    ],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const logs = new ProcessLogs();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    logs.push(chunk);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    logs.push(chunk);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("close", (code, signal) => {
      logs.exited(`${entry} exited (${signal ?? `code ${String(code)}`})`);
      resolve(code);
    });
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  return {
    pid: child.pid,
    logs,
    exited,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}
