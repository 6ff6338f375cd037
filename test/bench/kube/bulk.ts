import { addCpu, cpuDuring } from "../process-cpu.js";
import { latencyStats, median, ratio, type LatencyStats } from "../stats.js";
import { getBody, getJson, sendJson, watch, type KubeClient } from "./https-client.js";
import type { KubeRig } from "./kube-rig.js";

export interface KubeWatchReport {
  description: string;
  events: number;
  /** Events per second from the first to the last, as each watcher saw them. */
  direct: { eventsPerSecond: number };
  throughHub: { eventsPerSecond: number };
  peer: { eventsPerSecond: number };
  /** Per event: when the hub's watcher saw it minus when the direct watcher did. */
  addedDelivery: LatencyStats;
  peerAddedDelivery: LatencyStats;
  ratio: number;
  peerRatio: number;
}

export interface KubeListReport {
  description: string;
  objects: number;
  bytes: number;
  /** MiB/s of each list, in the order run. */
  direct: number[];
  throughHub: number[];
  peer: number[];
  medianDirect: number;
  medianThroughHub: number;
  medianPeer: number;
  ratio: number;
  peerRatio: number;
  /** Warren's MiB/s over the peer's. */
  warrenVsPeer: number;
  targetRatio: number;
  /** CPU ms per MiB listed, by process, through the hub and through the peer. */
  cpuMsPerMiB: { throughHub: Record<string, number>; peer: Record<string, number> };
  /** Hub + agent against the peer's server + client, CPU ms per MiB. */
  proxyCpuMsPerMiB: { warren: number; peer: number };
  /** The same list as a user whose kubernetes_resources rules make the hub filter it. */
  filtered: {
    bytes: number;
    throughHub: number[];
    medianThroughHub: number;
    /** Filtered MiB/s over unfiltered MiB/s through the hub: at least 1 is the target. */
    ratioToUnfiltered: number;
    ratioToDirect: number;
  };
}

const PAYLOAD = "x".repeat(1024);

/** Creates `count` ConfigMaps named bulk-N, `concurrency` at a time, as the admin. */
async function createConfigMaps(rig: KubeRig, count: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      await sendJson(rig.admin, "POST", `/api/v1/namespaces/${rig.namespace}/configmaps`, {
        metadata: { name: `bulk-${String(i)}` },
        data: { payload: PAYLOAD },
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const spanSeconds = (arrivals: Map<string, number>) => {
  const times = [...arrivals.values()];
  return (Math.max(...times) - Math.min(...times)) / 1000;
};

/**
 * A fast watch: two watchers, one direct and one through the hub, see a burst of `count`
 * creations; each event's arrival through the hub is compared with its direct arrival.
 */
export async function measureKubeWatch(rig: KubeRig, count: number): Promise<KubeWatchReport> {
  const collection = `/api/v1/namespaces/${rig.namespace}/configmaps`;
  // From the current version: no initial events, only the burst.
  const list = await getJson<{ metadata: { resourceVersion: string } }>(rig.admin, collection);
  const path = `${collection}?watch=true&resourceVersion=${list.metadata.resourceVersion}`;
  const [direct, throughHub, peer] = await Promise.all([
    watch(rig.direct, path),
    watch(rig.throughHub, path),
    watch(rig.peer, path),
  ]);
  try {
    await createConfigMaps(rig, count, 32);
    await Promise.all([direct.received(count), throughHub.received(count), peer.received(count)]);
  } finally {
    direct.close();
    throughHub.close();
    peer.close();
  }
  const addedOver = (arrivals: Map<string, number>) => {
    const added: number[] = [];
    for (const [name, at] of arrivals) {
      const directAt = direct.arrivals.get(name);
      if (directAt !== undefined) added.push(at - directAt);
    }
    return latencyStats(added);
  };
  const rate = (arrivals: Map<string, number>) => Math.round(count / spanSeconds(arrivals));
  const [directRate, hubRate, peerRate] = [direct, throughHub, peer].map((w) => rate(w.arrivals));
  return {
    description: `a watch on a namespace while ${count} ConfigMaps of 1 KiB are created, 32 at a time`,
    events: count,
    direct: { eventsPerSecond: directRate ?? 0 },
    throughHub: { eventsPerSecond: hubRate ?? 0 },
    peer: { eventsPerSecond: peerRate ?? 0 },
    addedDelivery: addedOver(throughHub.arrivals),
    peerAddedDelivery: addedOver(peer.arrivals),
    ratio: ratio(hubRate ?? 0, directRate ?? 1),
    peerRatio: ratio(peerRate ?? 0, directRate ?? 1),
  };
}

async function listMiBps(
  client: KubeClient,
  path: string,
): Promise<{ bytes: number; mibps: number }> {
  const started = performance.now();
  const bytes = await getBody(client, path);
  const seconds = (performance.now() - started) / 1000;
  return { bytes, mibps: ratio(bytes / (1024 * 1024), seconds) };
}

/** A large list (the namespace's `objects` ConfigMaps), `rounds` times each, alternating. */
export async function measureKubeList(
  rig: KubeRig,
  objects: number,
  rounds: number,
): Promise<KubeListReport> {
  const path = `/api/v1/namespaces/${rig.namespace}/configmaps`;
  const direct: number[] = [];
  const throughHub: number[] = [];
  const peer: number[] = [];
  const filtered: number[] = [];
  let bytes = 0;
  let filteredBytes = 0;
  await listMiBps(rig.direct, path);
  await listMiBps(rig.throughHub, path);
  await listMiBps(rig.filteredThroughHub, path);
  await listMiBps(rig.peer, path);
  const cpu = { throughHub: {}, peer: {} };
  const withCpu = async (into: Record<string, number>, client: KubeClient) => {
    let listed = { bytes: 0, mibps: 0 };
    addCpu(
      into,
      await cpuDuring(rig.pids, async () => {
        listed = await listMiBps(client, path);
      }),
    );
    return listed;
  };
  for (let i = 0; i < rounds; i++) {
    const d = await listMiBps(rig.direct, path);
    const h = await withCpu(cpu.throughHub, rig.throughHub);
    const f = await listMiBps(rig.filteredThroughHub, path);
    peer.push((await withCpu(cpu.peer, rig.peer)).mibps);
    direct.push(d.mibps);
    throughHub.push(h.mibps);
    filtered.push(f.mibps);
    bytes = d.bytes;
    filteredBytes = f.bytes;
  }
  return {
    description: "GET of the namespace's ConfigMaps as JSON, MiB/s",
    objects,
    bytes,
    direct,
    throughHub,
    medianDirect: median(direct),
    peer,
    medianThroughHub: median(throughHub),
    medianPeer: median(peer),
    ratio: ratio(median(throughHub), median(direct)),
    peerRatio: ratio(median(peer), median(direct)),
    warrenVsPeer: ratio(median(throughHub), median(peer)),
    targetRatio: 0.85,
    ...listCpu(cpu, (bytes * rounds) / (1024 * 1024)),
    filtered: {
      bytes: filteredBytes,
      throughHub: filtered,
      medianThroughHub: median(filtered),
      ratioToUnfiltered: ratio(median(filtered), median(throughHub)),
      ratioToDirect: ratio(median(filtered), median(direct)),
    },
  };
}

function listCpu(
  cpu: { throughHub: Record<string, number>; peer: Record<string, number> },
  mebibytes: number,
): Pick<KubeListReport, "cpuMsPerMiB" | "proxyCpuMsPerMiB"> {
  const per = (total: Record<string, number>) =>
    Object.fromEntries(Object.entries(total).map(([name, ms]) => [name, ratio(ms, mebibytes)]));
  const sum = (total: Record<string, number>, ...names: string[]) =>
    ratio(
      names.reduce((all, name) => all + (total[name] ?? 0), 0),
      mebibytes,
    );
  return {
    cpuMsPerMiB: { throughHub: per(cpu.throughHub), peer: per(cpu.peer) },
    proxyCpuMsPerMiB: {
      warren: sum(cpu.throughHub, "hub", "agent"),
      peer: sum(cpu.peer, "peerServer", "peerClient"),
    },
  };
}
