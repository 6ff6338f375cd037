import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { spawnScript } from "../../support/warren-process.js";
import { progress } from "../stats.js";
import { measureHeadOfLine } from "./head-of-line.js";
import { measureLatency } from "./latency.js";
import { startOpenSshReverseForward } from "./openssh.js";
import { measureScale } from "./scale.js";
import { measureThroughput } from "./throughput.js";
import { startTunnelRig } from "./tunnel-rig.js";

export interface TunnelBenchOptions {
  iterations: number;
  throughputMiB: number;
  agents: number;
}

export async function tunnelBench(options: TunnelBenchOptions): Promise<Record<string, unknown>> {
  const scratch = await mkdtemp(join(tmpdir(), "warren-bench-tunnel-"));
  try {
    const rig = await startTunnelRig(scratch);
    const source = spawnScript("test/bench/tunnel/byte-source.ts", [], {});
    const openSsh = await startOpenSshReverseForward(
      join(scratch, "openssh"),
      Number((await source.logs.waitForMessage("listening")).port),
    );
    try {
      progress("latency");
      const latency = await measureLatency(rig, options.iterations);
      progress("throughput");
      const throughput = await measureThroughput(rig.tunnel, openSsh, options.throughputMiB, 16);
      progress("head-of-line isolation");
      const headOfLine = await measureHeadOfLine(
        rig.tunnel,
        15,
        Math.max(4, options.throughputMiB / 16),
      );
      progress(`scale: ${options.agents} agents`);
      const scale = await measureScale(join(scratch, "scale"), options.agents);
      return { latency, throughput, headOfLine, scale };
    } finally {
      await openSsh.close();
      await source.stop();
      await rig.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
