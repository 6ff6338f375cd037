import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

import { warren } from "@warren/warren";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface WarrenCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WarrenCliRun {
  /** The first line is read by --password-stdin. */
  stdin?: string;
  /** What the person does with the URL warren opens (drive the login). */
  openBrowser?: (url: string) => Promise<void>;
  /** Sees stdout as it is written (a headless login prints its URL, then waits). */
  onStdout?: (text: string) => void;
}

/**
 * `warren` for one person on one machine: its logins in `home`, its kubeconfig at
 * `kubeconfig`. Runs in-process; kubectl runs it as its credential plugin from source, as
 * the installed binary would run.
 */
export function warrenCli(home: string, kubeconfig: string) {
  const env = { WARREN_HOME: home, KUBECONFIG: kubeconfig, HOME: home };
  const selfCommand = {
    command: process.execPath,
    args: [
      "--import",
      import.meta.resolve("tsx"),
      "--conditions=@warren/source",
      `${repoRoot}apps/warren/src/bin.ts`,
    ],
  };
  return async (argv: readonly string[], run: WarrenCliRun = {}): Promise<WarrenCliResult> => {
    let stdout = "";
    let stderr = "";
    const code = await warren(argv, {
      stdout: {
        write: (text: string) => {
          stdout += text;
          run.onStdout?.(text);
          return true;
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      env,
      stdin: Readable.from([run.stdin ?? ""]),
      openBrowser: run.openBrowser ?? (() => Promise.reject(new Error("no browser in this test"))),
      selfCommand,
    });
    return { code, stdout, stderr };
  };
}
