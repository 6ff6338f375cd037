// The local real Kubernetes, for people and scripts:
//   npm run k8s -- up DIR      start etcd + kube-apiserver in the background, write DIR/admin.kubeconfig
//   npm run k8s -- down DIR    stop them; nothing is left running
//   npm run k8s -- status DIR  say whether it runs (exit code 1 if not)
//   npm run k8s -- binaries    build or find kube-apiserver, etcd and helm; print their paths
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import { ensureBinaries } from "./binaries.js";
import {
  isRunning,
  readLocalClusterState,
  startLocalCluster,
  stopLocalCluster,
} from "./local-cluster.js";

const USAGE = "usage: npm run k8s -- up DIR | down DIR | status DIR | binaries";

class UsageError extends Error {}

const log = (line: string) => {
  process.stderr.write(`k8s: ${line}\n`);
};

function requireDir(dir: string | undefined): string {
  if (dir === undefined) throw new UsageError(`a directory is needed\n${USAGE}`);
  return resolve(dir);
}

async function up(dir: string): Promise<void> {
  const existing = await readLocalClusterState(dir);
  if (existing && isRunning(existing)) {
    log(`already running at ${existing.server}`);
    process.stdout.write(`${existing.kubeconfigPath}\n`);
    return;
  }
  const binaries = await ensureBinaries({ log });
  const started = Date.now();
  const state = await startLocalCluster({ dir, binaries, dieWithParent: false });
  log(`kube-apiserver ready at ${state.server} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`try: kubectl --kubeconfig ${state.kubeconfigPath} get ns`);
  log(`stop: npm run k8s -- down ${dir}`);
  process.stdout.write(`${state.kubeconfigPath}\n`);
}

async function down(dir: string): Promise<void> {
  const stopped = await stopLocalCluster(dir);
  log(stopped ? `stopped the cluster in ${dir}` : `no cluster was running in ${dir}`);
}

async function status(dir: string): Promise<void> {
  const state = await readLocalClusterState(dir);
  const running = state !== undefined && isRunning(state);
  process.stdout.write(`${JSON.stringify({ running, ...state }, null, 2)}\n`);
  if (!running) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true });
  const [command, dir] = positionals;
  switch (command) {
    case "up":
      return up(requireDir(dir));
    case "down":
      return down(requireDir(dir));
    case "status":
      return status(requireDir(dir));
    case "binaries":
      process.stdout.write(`${JSON.stringify(await ensureBinaries({ log }), null, 2)}\n`);
      return;
    default:
      throw new UsageError(USAGE);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // A usage mistake gets the usage line and exit code 2; anything else its stack and 1.
  if (error instanceof UsageError) {
    log(error.message);
    process.exitCode = 2;
  } else {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  }
});
