import { Agent, request } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";

import type { TestHub } from "../../support/test-hub.js";
import { latencyStats, median, progress, type LatencyStats } from "../stats.js";
import { startHaRig, tunnelsFrom, type HaRig } from "./ha-rig.js";
import { get, runLoad, type Outcome } from "./load.js";
import { TcpBalancer } from "./tcp-balancer.js";

export interface HaBenchOptions {
  agents: number;
  concurrency: number;
  rounds: number;
}

const kubePort = (hub: TestHub) => Number(new URL(hub.kubeUrl).port);
const backend = (hub: TestHub) => ({ host: "127.0.0.1", port: kubePort(hub) });
const seconds = (ms: number) => Math.round(ms) / 1000;

/** Retries `check` until it holds; the time it took, in milliseconds. */
async function until(check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) await sleep(20);
  return performance.now() - started;
}

interface FailoverReport {
  requests: number;
  failedInFlightAtKill: number;
  failedStartedAfterKill: number;
  killTookMs: number;
  failures: string[];
  allAgentsThroughSurvivorMs: number;
  restartedReplicaHasAllAgentsMs: { fromSpawn: number; fromReady: number };
  latencyBeforeKill: LatencyStats;
  latencyAfterKill: LatencyStats;
}

/** kubectl-like load through the balancer while replica A is killed and a new one started. */
async function failover(rig: HaRig, options: HaBenchOptions): Promise<FailoverReport> {
  const a = rig.first;
  const b = await rig.startReplica();
  await Promise.all([tunnelsFrom(a, rig.clusters), tunnelsFrom(b, rig.clusters)]);
  const balancer = await TcpBalancer.start([backend(a), backend(b)]);
  const agent = new Agent({ ...rig.tls, keepAlive: true, maxSockets: options.concurrency });
  const path = `/api/v1/namespaces/${rig.namespace}/configmaps`;
  const viaBalancer = rig.clusters.map(
    (name) => `https://127.0.0.1:${String(balancer.port)}/k8s/${name}${path}`,
  );
  const load = runLoad(agent, viaBalancer, options.concurrency);
  await sleep(2000); // load before the kill, to compare latency with
  const killAt = performance.now();
  await a.process.kill();
  // Until the process is gone, new connections may still land on it: those are in flight on
  // the dying replica. From here on the balancer can only reach B.
  const deadAt = performance.now();
  progress("killed replica A");
  // Straight to B, each cluster: how soon the survivor serves every agent.
  const direct = new Agent({ ...rig.tls, keepAlive: true });
  const survivor = await Promise.all(
    rig.clusters.map((name) =>
      until(async () => (await get(direct, `${b.kubeUrl}/k8s/${name}${path}`)).ok),
    ),
  );
  const spawnAt = performance.now();
  const a2 = await rig.startReplica();
  const readyAt = performance.now();
  await tunnelsFrom(a2, rig.clusters);
  const backAt = performance.now();
  balancer.setBackends([backend(a2), backend(b)]);
  progress("replica A replaced; every agent has a tunnel to it");
  await sleep(2000);
  const outcomes = await load.stop();
  agent.destroy();
  direct.destroy();
  await balancer.close();
  const failed = outcomes.filter((o) => !o.ok);
  const took = (o: Outcome) => o.endedMs - o.startedMs;
  return {
    requests: outcomes.length,
    failedInFlightAtKill: failed.filter((o) => o.startedMs < deadAt).length,
    failedStartedAfterKill: failed.filter((o) => o.startedMs >= deadAt).length,
    killTookMs: Math.round(deadAt - killAt),
    failures: [...new Set(failed.map((o) => o.error ?? "status"))].slice(0, 5),
    allAgentsThroughSurvivorMs: Math.round(Math.max(...survivor)),
    restartedReplicaHasAllAgentsMs: {
      fromSpawn: Math.round(backAt - spawnAt),
      fromReady: Math.round(backAt - readyAt),
    },
    latencyBeforeKill: latencyStats(outcomes.filter((o) => o.endedMs < killAt).map(took)),
    latencyAfterKill: latencyStats(outcomes.filter((o) => o.startedMs > backAt).map(took)),
  };
}

/** Opens a watch through `hub`; resolves once its headers came, with its end time. */
function openWatch(rig: HaRig, hub: TestHub): Promise<{ ended: Promise<number> }> {
  const url = `${hub.kubeUrl}/k8s/${rig.clusters[0] ?? ""}/api/v1/namespaces/${rig.namespace}/configmaps?watch=1`;
  return new Promise((resolve, reject) => {
    const req = request(url, { ...rig.tls }, (res) => {
      res.resume();
      const ended = new Promise<number>((done) => {
        res.on("close", () => {
          done(performance.now());
        });
      });
      resolve({ ended });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A lock made through one replica ends the user's watch held by another: how soon. */
async function changeDelay(rig: HaRig, rounds: number) {
  const hubs = await Promise.all([rig.startReplica(), rig.startReplica()]);
  const [writer, reader] = hubs;
  await tunnelsFrom(reader, rig.clusters);
  const ends: number[] = [];
  const commands: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const { ended } = await openWatch(rig, reader);
    const started = performance.now();
    const locked = await writer.warrenctl("users", "lock", "bench-user");
    if (locked.code !== 0) throw new Error(`users lock: ${locked.stderr}`);
    commands.push(performance.now() - started);
    ends.push((await ended) - started);
    await writer.warrenctl("users", "unlock", "bench-user");
  }
  return {
    description: "users lock through replica A; the user's watch held by replica B ends",
    rounds,
    watchEndOnOtherReplica: latencyStats(ends),
    lockCommand: latencyStats(commands),
    // The watch on B ends before warrenctl's lock command on A has returned: the change
    // reaches B within the command's own round trips.
    watchEndedBeforeCommandReturned: median(ends) < median(commands),
  };
}

export async function haBench(options: HaBenchOptions): Promise<Record<string, unknown>> {
  progress(`starting a cluster, PostgreSQL, a replica and ${String(options.agents)} agents`);
  const rig = await startHaRig(options.agents);
  try {
    const killed = await failover(rig, options);
    const change = await changeDelay(rig, options.rounds);
    return {
      description:
        "two hub replicas on PostgreSQL behind a loopback TCP balancer; kubectl-like GETs at " +
        `concurrency ${String(options.concurrency)}; replica A killed (SIGKILL), then replaced`,
      agents: options.agents,
      failover: {
        ...killed,
        allAgentsThroughSurvivorSeconds: seconds(killed.allAgentsThroughSurvivorMs),
        targets: { failedStartedAfterKill: 0, allAgentsThroughSurvivorSeconds: 5 },
      },
      changePropagation: change,
    };
  } finally {
    await rig.close();
  }
}
