import { randomBytes } from "node:crypto";

import { cpuDuring } from "../process-cpu.js";
import { median, ratio } from "../stats.js";
import type { KubeRig } from "./kube-rig.js";

const ROUNDS = 3;
const MIB = 1024 * 1024;

export interface ExecStreamReport {
  description: string;
  mebibytes: number;
  /** MiB/s of stdin in and stdout back, each round, per path. */
  direct: number[];
  recorded: number[];
  unrecorded: number[];
  medianDirect: number;
  medianRecorded: number;
  medianUnrecorded: number;
  /** Recorded over unrecorded through the hub: what recording costs. */
  recordingRatio: number;
  /** The hub's CPU per MiB moved, recorded and not. */
  hubCpuMsPerMiB: { recorded: number; unrecorded: number };
}

/**
 * `kubectl exec -i POD -- cat` with `mebibytes` of input, which comes back on stdout: straight
 * to the API server, through the hub recorded (both directions parsed and stored) and through
 * the hub as a user whose role turns recording off.
 */
export async function measureExecStream(
  rig: KubeRig,
  mebibytes: number,
): Promise<ExecStreamReport> {
  const input = randomBytes((mebibytes * MIB * 3) / 4).toString("base64");
  const paths = {
    direct: rig.exec.direct,
    recorded: rig.exec.recorded,
    unrecorded: rig.exec.unrecorded,
  };
  const rates: Record<keyof typeof paths, number[]> = { direct: [], recorded: [], unrecorded: [] };
  const hubCpu = { recorded: 0, unrecorded: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, kubeconfig] of Object.entries(paths) as [keyof typeof paths, string][]) {
      const started = performance.now();
      const cpu = await cpuDuring({ hub: rig.pids.hub }, async () => {
        const result = await rig.cluster.kubectl(
          ["-n", rig.namespace, "exec", "-i", rig.exec.pod, "--", "cat"],
          kubeconfig,
          { input },
        );
        if (result.stdout.length !== input.length) {
          throw new Error(
            `exec through ${name} returned ${result.stdout.length} bytes: ${result.stderr}`,
          );
        }
      });
      const seconds = (performance.now() - started) / 1000;
      rates[name].push(Math.round((mebibytes / seconds) * 100) / 100);
      if (name !== "direct") hubCpu[name] += (cpu.hub ?? 0) / (mebibytes * ROUNDS);
    }
  }
  const medians = {
    direct: median(rates.direct),
    recorded: median(rates.recorded),
    unrecorded: median(rates.unrecorded),
  };
  return {
    description: "kubectl exec -i POD -- cat with random text in, the same back on stdout",
    mebibytes,
    ...rates,
    medianDirect: medians.direct,
    medianRecorded: medians.recorded,
    medianUnrecorded: medians.unrecorded,
    recordingRatio: ratio(medians.recorded, medians.unrecorded),
    hubCpuMsPerMiB: {
      recorded: Math.round(hubCpu.recorded * 10) / 10,
      unrecorded: Math.round(hubCpu.unrecorded * 10) / 10,
    },
  };
}
