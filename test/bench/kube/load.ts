import { cpuDuring } from "../process-cpu.js";
import { median, ratio } from "../stats.js";
import { getBody, type KubeClient } from "./https-client.js";
import type { KubeRig } from "./kube-rig.js";

export interface KubeLoadReport {
  description: string;
  concurrency: number;
  requestsPerRound: number;
  /** Requests per second of each round, in the order run. */
  direct: number[];
  throughHub: number[];
  medianDirect: number;
  medianThroughHub: number;
  ratio: number;
  targetRatio: number;
  /** CPU ms per request of each process (the bench's own client too), over all rounds. */
  cpuMsPerRequest: { direct: Record<string, number>; throughHub: Record<string, number> };
}

function addInto(total: Record<string, number>, more: Record<string, number>): void {
  for (const [name, ms] of Object.entries(more)) total[name] = (total[name] ?? 0) + ms;
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

/** Requests per second at `concurrency`, rounds alternating direct and through the hub. */
export async function measureKubeLoad(
  rig: KubeRig,
  requests: number,
  concurrency: number,
  rounds = 3,
): Promise<KubeLoadReport> {
  const path = `/api/v1/namespaces/${rig.namespace}/configmaps/small`;
  await round(rig.direct, path, concurrency * 4, concurrency);
  await round(rig.throughHub, path, concurrency * 4, concurrency);
  const direct: number[] = [];
  const throughHub: number[] = [];
  const cpu = { direct: {}, throughHub: {} };
  for (let i = 0; i < rounds; i++) {
    addInto(
      cpu.direct,
      await cpuDuring(rig.pids, async () => {
        direct.push(await round(rig.direct, path, requests, concurrency));
      }),
    );
    addInto(
      cpu.throughHub,
      await cpuDuring(rig.pids, async () => {
        throughHub.push(await round(rig.throughHub, path, requests, concurrency));
      }),
    );
  }
  return {
    description: `GET of one small ConfigMap, ${concurrency} requests in flight`,
    concurrency,
    requestsPerRound: requests,
    direct,
    throughHub,
    medianDirect: median(direct),
    medianThroughHub: median(throughHub),
    ratio: ratio(median(throughHub), median(direct)),
    targetRatio: 0.9,
    cpuMsPerRequest: {
      direct: perRequest(cpu.direct, requests * rounds),
      throughHub: perRequest(cpu.throughHub, requests * rounds),
    },
  };
}
