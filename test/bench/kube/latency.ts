import { cpuDuring } from "../process-cpu.js";
import { latencyStats, ratio, type LatencyStats } from "../stats.js";
import { getBody, type KubeClient } from "./https-client.js";
import type { KubeRig } from "./kube-rig.js";

export interface KubeLatencyReport {
  description: string;
  direct: LatencyStats;
  throughHub: LatencyStats;
  peer: LatencyStats;
  addedP50Ms: number;
  addedP99Ms: number;
  peerAddedP50Ms: number;
  /** The peer's added p50 over Warren's: at least 1 when Warren adds no more than the peer. */
  warrenVsPeer: number;
  targetAddedP50Ms: number;
  /**
   * CPU ms per sequential GET of the processes only one path uses: hub + agent, the peer's
   * server + client. Against the load measure's (32 in flight), it shows what a request costs
   * when each process wakes for it alone: the added latency is mostly this CPU.
   */
  cpuMsPerRequest: { hub: number; agent: number; peerServer: number; peerClient: number };
}

async function timed(client: KubeClient, path: string): Promise<number> {
  const started = performance.now();
  await getBody(client, path);
  return performance.now() - started;
}

/**
 * Sequential GETs of one small ConfigMap, direct, through the hub and through the peer
 * interleaved (rotating which goes first) so that the machine's noise falls on all alike.
 */
export async function measureKubeLatency(
  rig: KubeRig,
  iterations: number,
): Promise<KubeLatencyReport> {
  const path = `/api/v1/namespaces/${rig.namespace}/configmaps/small`;
  const clients = [rig.direct, rig.throughHub, rig.peer];
  const samples: number[][] = clients.map(() => []);
  for (let i = 0; i < Math.ceil(iterations / 10); i++)
    for (const client of clients) await timed(client, path);
  const { hub, agent, peerServer, peerClient } = rig.pids;
  const cpu = await cpuDuring({ hub, agent, peerServer, peerClient }, async () => {
    for (let i = 0; i < iterations; i++) {
      for (let k = 0; k < clients.length; k++) {
        const which = (i + k) % clients.length;
        const client = clients[which];
        if (client) samples[which]?.push(await timed(client, path));
      }
    }
  });
  const perRequest = (name: string) => ratio(cpu[name] ?? 0, iterations);
  const [d, h, p] = samples.map((times) => latencyStats(times)) as [
    LatencyStats,
    LatencyStats,
    LatencyStats,
  ];
  const added = h.p50Ms - d.p50Ms;
  const peerAdded = p.p50Ms - d.p50Ms;
  return {
    description: "sequential GET of one small ConfigMap on a keep-alive connection, same user",
    direct: d,
    throughHub: h,
    peer: p,
    addedP50Ms: ratio(added, 1),
    addedP99Ms: ratio(h.p99Ms - d.p99Ms, 1),
    peerAddedP50Ms: ratio(peerAdded, 1),
    warrenVsPeer: ratio(peerAdded, added),
    targetAddedP50Ms: 0.5,
    cpuMsPerRequest: {
      hub: perRequest("hub"),
      agent: perRequest("agent"),
      peerServer: perRequest("peerServer"),
      peerClient: perRequest("peerClient"),
    },
  };
}
