// Warren on this machine, in one line:
//   npm run demo [-- up [DIR]]   a local Kubernetes, a hub, an agent, a user; kubectl through it
//   npm run demo -- down [DIR]   stop everything (DIR defaults to .warren/demo)
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";

import { isRunningDaemon } from "../k8s/daemon.js";
import { DEMO_CLUSTER, startDemo } from "./demo-up.js";
import { demoPaths, readDemoState, stopDemo } from "./demo-state.js";

const USAGE = "usage: npm run demo [-- up [DIR]] | npm run demo -- down [DIR]";
const DEFAULT_DIR = ".warren/demo";

const log = (line: string) => {
  process.stderr.write(`demo: ${line}\n`);
};

function nextSteps(dir: string): string {
  const p = demoPaths(dir);
  const rel = (path: string) => relative(process.cwd(), path);
  const kube = `kubectl --kubeconfig ${rel(p.userKubeconfig)}`;
  const ctl = `npm run -s warrenctl --`;
  return [
    "",
    `Warren is up: cluster "${DEMO_CLUSTER}" is reached through the hub as user "demo".`,
    "Try:",
    `  ${kube} get pods -A --watch`,
    `  ${kube} exec -n demo hello -- sh -c 'echo hello from $(hostname)'`,
    `  echo hi | ${kube} attach -i -n demo hello`,
    `  ${kube} logs -f -n demo hello        # then: echo more >> ${rel(p.k8s)}/node/demo/hello/main.log`,
    `  ${ctl} clusters ls --data-dir ${rel(p.hubData)}`,
    `  ${ctl} audit ls --user demo --data-dir ${rel(p.hubData)}`,
    `Logs: ${rel(p.logs)}/  Stop everything: npm run demo -- down${dir === resolve(DEFAULT_DIR) ? "" : ` ${rel(dir)}`}`,
    "",
  ].join("\n");
}

async function up(dir: string): Promise<void> {
  const existing = await readDemoState(dir);
  if (existing && isRunningDaemon(existing.hub) && isRunningDaemon(existing.agent)) {
    log(`already running (hub at ${existing.kubeUrl}); stop it with npm run demo -- down`);
    process.stdout.write(nextSteps(dir));
    return;
  }
  await stopDemo(dir);
  const started = Date.now();
  const namespaces = await startDemo(dir, log);
  log(`up in ${((Date.now() - started) / 1000).toFixed(1)} s; kubectl get ns through the hub:`);
  process.stdout.write(`${namespaces}${nextSteps(dir)}`);
}

async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true });
  const [command = "up", dirArg] = positionals;
  const dir = resolve(dirArg ?? DEFAULT_DIR);
  if (command === "up") await up(dir);
  else if (command === "down") {
    log((await stopDemo(dir)) ? `stopped everything in ${dir}` : `nothing was running in ${dir}`);
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(),
  (error: unknown) => {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.stderr.write("clean up with: npm run demo -- down\n");
    process.exit(1);
  },
);
