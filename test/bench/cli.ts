// npm run bench -- tunnel [--iterations N] [--mib N] [--agents N]
// npm run bench -- kube [--iterations N] [--requests N] [--concurrency N] [--objects N]
// npm run bench -- ha [--agents N] [--concurrency N] [--iterations N]
// npm run bench -- operator [--objects N]
// Any suite takes --cpu-prof DIR (V8 profiles of the hub, agent… it starts, written when they
// stop), and kube and tunnel take --only to run some of their measures.
// Prints one JSON report on stdout; progress goes to stderr. Figures compare with baselines
// measured in the same run, because this machine is shared and noisy.
import { cpus } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import { CPU_PROFILE_DIR_ENV } from "../support/warren-process.js";

import { haBench } from "./ha/index.js";
import { kubeBench } from "./kube/index.js";
import { operatorBench } from "./operator/index.js";
import { tunnelBench } from "./tunnel/index.js";

const USAGE =
  "usage: npm run bench -- tunnel [--iterations N] [--mib N] [--agents N]\n" +
  "                               [--only latency,throughput,headOfLine,scale]\n" +
  "       npm run bench -- kube [--iterations N] [--requests N] [--concurrency N] [--objects N]\n" +
  "                             [--only latency,load,fastWatch,largeList,accessEnd,execStream]\n" +
  "       npm run bench -- ha [--agents N] [--concurrency N] [--iterations N]\n" +
  "       npm run bench -- operator [--objects N]";

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      iterations: { type: "string", default: "2000" },
      mib: { type: "string", default: "256" },
      agents: { type: "string", default: "200" },
      requests: { type: "string", default: "4000" },
      concurrency: { type: "string", default: "32" },
      objects: { type: "string", default: "2000" },
      "cpu-prof": { type: "string" },
      only: { type: "string" },
    },
  });
  const [suite] = positionals;
  // Set before any process starts: each one the bench spawns writes a profile on exit.
  if (values["cpu-prof"]) process.env[CPU_PROFILE_DIR_ENV] = resolve(values["cpu-prof"]);
  const only = values.only?.split(",");
  const started = new Date();
  let results: Record<string, unknown>;
  if (suite === "tunnel") {
    results = await tunnelBench({
      iterations: Number(values.iterations),
      throughputMiB: Number(values.mib),
      agents: Number(values.agents),
      ...(only ? { only } : {}),
    });
  } else if (suite === "kube") {
    results = await kubeBench({
      iterations: Number(values.iterations),
      requests: Number(values.requests),
      concurrency: Number(values.concurrency),
      objects: Number(values.objects),
      ...(only ? { only } : {}),
    });
  } else if (suite === "ha") {
    results = await haBench({
      agents: Number(values.agents === "200" ? "3" : values.agents),
      // kubectl-like load at concurrency 16 unless told otherwise.
      concurrency: Number(values.concurrency === "32" ? "16" : values.concurrency),
      rounds: Number(values.iterations === "2000" ? "5" : values.iterations),
    });
  } else if (suite === "operator") {
    results = await operatorBench({
      objects: Number(values.objects === "2000" ? "200" : values.objects),
    });
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version };
  process.stdout.write(
    `${JSON.stringify({ suite, startedAt: started.toISOString(), machine, ...results }, null, 2)}\n`,
  );
}

main(process.argv.slice(2)).then(
  () => process.exit(),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
