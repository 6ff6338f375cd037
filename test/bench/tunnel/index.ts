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
  /** Names of the measures to run; all when absent. */
  only?: readonly string[];
}

const MEASURES = ["latency", "throughput", "headOfLine", "scale"];

export async function tunnelBench(options: TunnelBenchOptions): Promise<Record<string, unknown>> {
  const unknown = options.only?.filter((name) => !MEASURES.includes(name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown tunnel measures: ${unknown.join(", ")}`);
  const scratch = await mkdtemp(join(tmpdir(), "warren-bench-tunnel-"));
  // Each part stopped however a later one fails (OpenSSH missing left the rest running).
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const rig = await startTunnelRig(scratch);
    stops.push(() => rig.close());
    const source = spawnScript("test/bench/tunnel/byte-source.ts", [], {});
    stops.push(() => source.stop());
    const openSsh = await startOpenSshReverseForward(
      join(scratch, "openssh"),
      Number((await source.logs.waitForMessage("listening")).port),
    );
    stops.push(() => openSsh.close());
    const measures: Record<string, () => Promise<unknown>> = {
      latency: () => measureLatency(rig, options.iterations),
      throughput: () => measureThroughput(rig.tunnel, openSsh, options.throughputMiB, 16),
      headOfLine: () => measureHeadOfLine(rig.tunnel, 15, Math.max(4, options.throughputMiB / 16)),
      scale: () => measureScale(join(scratch, "scale"), options.agents),
    };
    const results: Record<string, unknown> = {};
    for (const [name, measure] of Object.entries(measures)) {
      if (options.only && !options.only.includes(name)) continue;
      progress(name === "scale" ? `scale: ${options.agents} agents` : name);
      results[name] = await measure();
    }
    return results;
  } finally {
    for (const stop of stops.reverse()) await stop();
    await rm(scratch, { recursive: true, force: true });
  }
}
