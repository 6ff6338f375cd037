import { spawn } from "node:child_process";
import { once } from "node:events";

import type { TestCluster } from "../k8s/index.js";
import { ProcessLogs } from "./process-logs.js";

/** A kubectl that keeps running (a watch, logs -f, port-forward) while the test acts. */
export interface BackgroundKubectl {
  stdout: ProcessLogs;
  stderr: ProcessLogs;
  /** Writes to kubectl's stdin. */
  write(text: string): void;
  /** Resolves with kubectl's exit code when it ends on its own. */
  exited: Promise<number | null>;
  /** Stops kubectl (SIGTERM) and waits for it to go. */
  stop(): Promise<void>;
}

export function backgroundKubectl(
  cluster: TestCluster,
  kubeconfig: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): BackgroundKubectl {
  const child = spawn("kubectl", ["--kubeconfig", kubeconfig, ...args], {
    env: { ...process.env, ...env, KUBECONFIG: kubeconfig, KUBECACHEDIR: cluster.kubectlCacheDir },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout = new ProcessLogs();
  const stderr = new ProcessLogs();
  child.stdout.on("data", (chunk: Buffer) => {
    stdout.push(chunk.toString("utf8"));
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr.push(chunk.toString("utf8"));
  });
  const exited = once(child, "close").then(([code]) => {
    const description = `kubectl ${args.join(" ")} exited (${String(code)})`;
    stdout.exited(description);
    stderr.exited(description);
    return code as number | null;
  });
  return {
    stdout,
    stderr,
    write: (text) => child.stdin.write(text),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** `kubectl exec -i -n NAMESPACE POD -- COMMAND…` kept running: a session the test acts on. */
export function backgroundExec(
  cluster: TestCluster,
  kubeconfig: string,
  namespace: string,
  pod: string,
  command: readonly string[] = ["cat"],
): BackgroundKubectl {
  return backgroundKubectl(cluster, kubeconfig, [
    "exec",
    "-i",
    "-n",
    namespace,
    pod,
    "--",
    ...command,
  ]);
}
