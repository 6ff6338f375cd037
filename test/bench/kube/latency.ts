import { latencyStats, ratio, type LatencyStats } from "../stats.js";
import { getBody, sendJson, type KubeClient } from "./https-client.js";
import type { KubeRig } from "./kube-rig.js";

export interface KubeLatencyReport {
  description: string;
  direct: LatencyStats;
  throughHub: LatencyStats;
  addedP50Ms: number;
  addedP99Ms: number;
  targetAddedP50Ms: number;
}

async function timed(client: KubeClient, path: string): Promise<number> {
  const started = performance.now();
  await getBody(client, path);
  return performance.now() - started;
}

/**
 * Sequential GETs of one small ConfigMap, direct and through the hub interleaved (alternating
 * which goes first) so that the machine's noise falls on both alike.
 */
export async function measureKubeLatency(
  rig: KubeRig,
  iterations: number,
): Promise<KubeLatencyReport> {
  const name = "small";
  await sendJson(rig.admin, "POST", `/api/v1/namespaces/${rig.namespace}/configmaps`, {
    metadata: { name },
    data: { greeting: "hello" },
  });
  const path = `/api/v1/namespaces/${rig.namespace}/configmaps/${name}`;
  for (let i = 0; i < Math.ceil(iterations / 10); i++) {
    await timed(rig.direct, path);
    await timed(rig.throughHub, path);
  }
  const direct: number[] = [];
  const throughHub: number[] = [];
  for (let i = 0; i < iterations; i++) {
    if (i % 2 === 0) {
      direct.push(await timed(rig.direct, path));
      throughHub.push(await timed(rig.throughHub, path));
    } else {
      throughHub.push(await timed(rig.throughHub, path));
      direct.push(await timed(rig.direct, path));
    }
  }
  const [d, h] = [latencyStats(direct), latencyStats(throughHub)];
  return {
    description: "sequential GET of one small ConfigMap on a keep-alive connection, same user",
    direct: d,
    throughHub: h,
    addedP50Ms: ratio(h.p50Ms - d.p50Ms, 1),
    addedP99Ms: ratio(h.p99Ms - d.p99Ms, 1),
    targetAddedP50Ms: 1,
  };
}
