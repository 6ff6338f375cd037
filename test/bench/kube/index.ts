import { progress } from "../stats.js";
import { measureAccessEnd } from "./access-end.js";
import { measureKubeList, measureKubeWatch } from "./bulk.js";
import { measureExecStream } from "./exec-stream.js";
import { startKubeRig } from "./kube-rig.js";
import { measureKubeLatency } from "./latency.js";
import { measureKubeLoad } from "./load.js";

export interface KubeBenchOptions {
  /** Sequential GETs each way for latency. */
  iterations: number;
  /** GETs per round for requests per second. */
  requests: number;
  concurrency: number;
  /** ConfigMaps created under a watch, then listed. */
  objects: number;
  /** MiB sent through kubectl exec (and back). */
  execMebibytes?: number;
  /** Names of the measures to run; all when absent. */
  only?: readonly string[];
}

/** kubectl's traffic through the hub against the same user straight to the API server. */
export async function kubeBench(options: KubeBenchOptions): Promise<Record<string, unknown>> {
  const names = ["latency", "load", "fastWatch", "largeList", "accessEnd", "execStream"];
  const unknown = options.only?.filter((name) => !names.includes(name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown kube measures: ${unknown.join(", ")}`);
  progress("starting a cluster, a hub and an agent");
  const rig = await startKubeRig();
  const measures: Record<string, () => Promise<unknown>> = {
    latency: () => measureKubeLatency(rig, options.iterations),
    load: () => measureKubeLoad(rig, options.requests, options.concurrency),
    fastWatch: () => measureKubeWatch(rig, options.objects),
    // The namespace holds the small ConfigMap and, after fastWatch, the burst's.
    largeList: () => measureKubeList(rig, options.objects + 1, 10),
    accessEnd: () => measureAccessEnd(rig),
    execStream: () => measureExecStream(rig, options.execMebibytes ?? 16),
  };
  try {
    const results: Record<string, unknown> = {};
    for (const [name, measure] of Object.entries(measures)) {
      if (options.only && !options.only.includes(name)) continue;
      progress(name);
      results[name] = await measure();
    }
    return results;
  } finally {
    await rig.close();
  }
}
