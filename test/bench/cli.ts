// npm run bench -- tunnel [--iterations N] [--mib N] [--agents N]
// Prints one JSON report on stdout; progress goes to stderr. Figures compare with baselines
// measured in the same run, because this machine is shared and noisy.
import { cpus } from "node:os";
import { parseArgs } from "node:util";

import { tunnelBench } from "./tunnel/index.js";

const USAGE = "usage: npm run bench -- tunnel [--iterations N] [--mib N] [--agents N]";

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      iterations: { type: "string", default: "2000" },
      mib: { type: "string", default: "256" },
      agents: { type: "string", default: "200" },
    },
  });
  const [suite] = positionals;
  if (suite !== "tunnel") {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const started = new Date();
  const results = await tunnelBench({
    iterations: Number(values.iterations),
    throughputMiB: Number(values.mib),
    agents: Number(values.agents),
  });
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
