import { latencyStats, median, ratio, type LatencyStats } from "../stats.js";
import { getBody, getJson, sendJson, watch, type KubeClient } from "./https-client.js";
import type { KubeRig } from "./kube-rig.js";

export interface KubeWatchReport {
  description: string;
  events: number;
  /** Events per second from the first to the last, as each watcher saw them. */
  direct: { eventsPerSecond: number };
  throughHub: { eventsPerSecond: number };
  /** Per event: when the hub's watcher saw it minus when the direct watcher did. */
  addedDelivery: LatencyStats;
  ratio: number;
}

export interface KubeListReport {
  description: string;
  objects: number;
  bytes: number;
  /** MiB/s of each list, in the order run. */
  direct: number[];
  throughHub: number[];
  medianDirect: number;
  medianThroughHub: number;
  ratio: number;
  targetRatio: number;
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
  const [direct, throughHub] = await Promise.all([
    watch(rig.direct, path),
    watch(rig.throughHub, path),
  ]);
  try {
    await createConfigMaps(rig, count, 32);
    await Promise.all([direct.received(count), throughHub.received(count)]);
  } finally {
    direct.close();
    throughHub.close();
  }
  const added: number[] = [];
  for (const [name, at] of throughHub.arrivals) {
    const directAt = direct.arrivals.get(name);
    if (directAt !== undefined) added.push(at - directAt);
  }
  const [directRate, hubRate] = [
    Math.round(count / spanSeconds(direct.arrivals)),
    Math.round(count / spanSeconds(throughHub.arrivals)),
  ];
  return {
    description: `a watch on a namespace while ${count} ConfigMaps of 1 KiB are created, 32 at a time`,
    events: count,
    direct: { eventsPerSecond: directRate },
    throughHub: { eventsPerSecond: hubRate },
    addedDelivery: latencyStats(added),
    ratio: ratio(hubRate, directRate),
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
  const filtered: number[] = [];
  let bytes = 0;
  let filteredBytes = 0;
  await listMiBps(rig.direct, path);
  await listMiBps(rig.throughHub, path);
  await listMiBps(rig.filteredThroughHub, path);
  for (let i = 0; i < rounds; i++) {
    const d = await listMiBps(rig.direct, path);
    const h = await listMiBps(rig.throughHub, path);
    const f = await listMiBps(rig.filteredThroughHub, path);
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
    medianThroughHub: median(throughHub),
    ratio: ratio(median(throughHub), median(direct)),
    targetRatio: 0.9,
    filtered: {
      bytes: filteredBytes,
      throughHub: filtered,
      medianThroughHub: median(filtered),
      ratioToUnfiltered: ratio(median(filtered), median(throughHub)),
      ratioToDirect: ratio(median(filtered), median(direct)),
    },
  };
}
