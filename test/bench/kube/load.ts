import { setTimeout as sleep } from "node:timers/promises";

import { addCpu, cpuDuring } from "../process-cpu.js";
import { median, ratio } from "../stats.js";
import { getBody, getText, type KubeClient } from "./https-client.js";
import type { KubeRig } from "./kube-rig.js";

export interface KubeLoadReport {
  description: string;
  concurrency: number;
  requestsPerRound: number;
  /** Requests per second of each round, in the order run. */
  direct: number[];
  throughHub: number[];
  peer: number[];
  medianDirect: number;
  medianThroughHub: number;
  medianPeer: number;
  ratio: number;
  peerRatio: number;
  /** Warren's requests/s over the peer's. */
  warrenVsPeer: number;
  targetRatio: number;
  /** CPU ms per request of each process (the bench's own client too), over all rounds. */
  cpuMsPerRequest: {
    direct: Record<string, number>;
    throughHub: Record<string, number>;
    peer: Record<string, number>;
  };
  /**
   * The same less what each process uses at rest over the same time (idleCpuMsPerSecond): a
   * slower path runs longer, and the API server and etcd do periodic work of their own.
   */
  cpuMsPerRequestLessIdle: {
    direct: Record<string, number>;
    throughHub: Record<string, number>;
    peer: Record<string, number>;
  };
  /** CPU ms per second each process uses with no requests, measured before the rounds. */
  idleCpuMsPerSecond: Record<string, number>;
  /** Proxy CPU per request: hub + agent for Warren, server + client for the peer. */
  proxyCpuMsPerRequest: { warren: number; peer: number; warrenVsPeer: number };
  /**
   * What the API server counted per GET of each path, over all rounds: requests it served and
   * requests it made to etcd. More than direct would mean a path adds work there per request.
   */
  apiServerPerRequest: Record<(typeof paths)[number], { requests: number; etcdRequests: number }>;
}

/** Sums of the API server's request and etcd-request counters, from its /metrics. */
async function apiServerCounts(admin: KubeClient): Promise<{ requests: number; etcd: number }> {
  const text = await getText(admin, "/metrics");
  const sum = (name: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(`${name}{`))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  return {
    requests: sum("apiserver_request_total"),
    etcd: sum("etcd_request_duration_seconds_count"),
  };
}

const perRequest = (total: Record<string, number>, requests: number) =>
  Object.fromEntries(Object.entries(total).map(([name, ms]) => [name, ratio(ms, requests)]));

async function round(client: KubeClient, path: string, requests: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    while (next++ < requests) await getBody(client, path);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return Math.round(requests / ((performance.now() - started) / 1000));
}

const paths = ["direct", "throughHub", "peer"] as const;

/** A window long enough to hold several of the API server's and etcd's periodic tasks. */
const IDLE_WINDOW_MS = 5000;

async function idleCpuMsPerSecond(
  pids: Readonly<Record<string, number>>,
): Promise<Record<string, number>> {
  // A measurement window with nothing sent, not a wait for an event.
  const used = await cpuDuring(pids, () => sleep(IDLE_WINDOW_MS));
  return Object.fromEntries(
    Object.entries(used).map(([name, ms]) => [name, ratio((ms * 1000) / IDLE_WINDOW_MS, 1)]),
  );
}

/** Requests per second at `concurrency`, rounds alternating direct, hub and peer. */
export async function measureKubeLoad(
  rig: KubeRig,
  requests: number,
  concurrency: number,
  rounds = 3,
): Promise<KubeLoadReport> {
  const path = `/api/v1/namespaces/${rig.namespace}/configmaps/small`;
  for (const name of paths) await round(rig[name], path, concurrency * 4, concurrency);
  const rates = { direct: [] as number[], throughHub: [] as number[], peer: [] as number[] };
  const cpu = { direct: {}, throughHub: {}, peer: {} };
  const elapsedMs = { direct: 0, throughHub: 0, peer: 0 };
  const idle = await idleCpuMsPerSecond(rig.pids);
  const counted = Object.fromEntries(paths.map((name) => [name, { requests: 0, etcd: 0 }]));
  for (let i = 0; i < rounds; i++) {
    for (const name of paths) {
      const before = await apiServerCounts(rig.admin);
      addCpu(
        cpu[name],
        await cpuDuring(rig.pids, async () => {
          const rate = await round(rig[name], path, requests, concurrency);
          rates[name].push(rate);
          elapsedMs[name] += (requests * 1000) / rate;
        }),
      );
      const after = await apiServerCounts(rig.admin);
      const total = counted[name] ?? { requests: 0, etcd: 0 };
      // Less the /metrics GET that took `before`.
      total.requests += after.requests - before.requests - 1;
      total.etcd += after.etcd - before.etcd;
    }
  }
  const perGet = (name: (typeof paths)[number]) => ({
    requests: ratio(counted[name]?.requests ?? 0, requests * rounds),
    etcdRequests: ratio(counted[name]?.etcd ?? 0, requests * rounds),
  });
  const cpuMsPerRequest = {
    direct: perRequest(cpu.direct, requests * rounds),
    throughHub: perRequest(cpu.throughHub, requests * rounds),
    peer: perRequest(cpu.peer, requests * rounds),
  };
  const lessIdle = (name: (typeof paths)[number]) =>
    perRequest(
      Object.fromEntries(
        Object.entries(cpu[name] as Record<string, number>).map(([process, ms]) => [
          process,
          ms - ((idle[process] ?? 0) * elapsedMs[name]) / 1000,
        ]),
      ),
      requests * rounds,
    );
  const warrenCpu = (cpuMsPerRequest.throughHub.hub ?? 0) + (cpuMsPerRequest.throughHub.agent ?? 0);
  const peerCpu = (cpuMsPerRequest.peer.peerServer ?? 0) + (cpuMsPerRequest.peer.peerClient ?? 0);
  const [direct, throughHub, peer] = [
    median(rates.direct),
    median(rates.throughHub),
    median(rates.peer),
  ];
  return {
    description: `GET of one small ConfigMap, ${concurrency} requests in flight`,
    concurrency,
    requestsPerRound: requests,
    ...rates,
    medianDirect: direct,
    medianThroughHub: throughHub,
    medianPeer: peer,
    ratio: ratio(throughHub, direct),
    peerRatio: ratio(peer, direct),
    warrenVsPeer: ratio(throughHub, peer),
    targetRatio: 0.65,
    cpuMsPerRequest,
    cpuMsPerRequestLessIdle: {
      direct: lessIdle("direct"),
      throughHub: lessIdle("throughHub"),
      peer: lessIdle("peer"),
    },
    idleCpuMsPerSecond: idle,
    proxyCpuMsPerRequest: {
      warren: ratio(warrenCpu, 1),
      peer: ratio(peerCpu, 1),
      // Less CPU is better: the peer's over Warren's.
      warrenVsPeer: ratio(peerCpu, warrenCpu),
    },
    apiServerPerRequest: {
      direct: perGet("direct"),
      throughHub: perGet("throughHub"),
      peer: perGet("peer"),
    },
  };
}
