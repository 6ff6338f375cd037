import { progress } from "../stats.js";
import { measureAccessEnd } from "./access-end.js";
import { measureKubeList, measureKubeWatch } from "./bulk.js";
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
}

/** kubectl's traffic through the hub against the same user straight to the API server. */
export async function kubeBench(options: KubeBenchOptions): Promise<Record<string, unknown>> {
  progress("starting a cluster, a hub and an agent");
  const rig = await startKubeRig();
  try {
    progress("latency");
    const latency = await measureKubeLatency(rig, options.iterations);
    progress(`requests per second at concurrency ${String(options.concurrency)}`);
    const load = await measureKubeLoad(rig, options.requests, options.concurrency);
    progress(`fast watch: ${String(options.objects)} creations`);
    const fastWatch = await measureKubeWatch(rig, options.objects);
    progress("large list");
    // The namespace now holds the burst's ConfigMaps and the small one.
    const largeList = await measureKubeList(rig, options.objects + 1, 10);
    progress("open watches ended by a lock");
    const accessEnd = await measureAccessEnd(rig);
    return { latency, load, fastWatch, largeList, accessEnd };
  } finally {
    await rig.close();
  }
}
