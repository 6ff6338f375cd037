import { runCommand, type CommandResult } from "./run-command.js";

export interface KubectlOptions {
  kubeconfig: string;
  /** kubectl's discovery cache; kept per cluster so tests never share or touch ~/.kube. */
  cacheDir: string;
  input?: string;
  /** Added to this process's environment, e.g. KUBECTL_REMOTE_COMMAND_WEBSOCKETS. */
  env?: Readonly<Record<string, string>>;
}

/** Runs the installed kubectl, the same binary users run, with an explicit kubeconfig. */
export function kubectl(args: readonly string[], options: KubectlOptions): Promise<CommandResult> {
  const env = {
    ...process.env,
    ...options.env,
    KUBECONFIG: options.kubeconfig,
    KUBECACHEDIR: options.cacheDir,
  };
  return runCommand("kubectl", ["--kubeconfig", options.kubeconfig, ...args], {
    env,
    input: options.input,
  });
}
