import { readFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import type { LogEntry } from "../../support/process-logs.js";
import { loopbackListenArgs } from "../../support/test-hub.js";
import { spawnScript, spawnWarren, type WarrenProcess } from "../../support/warren-process.js";
import { progress } from "../stats.js";
import { seedAgents } from "./seed-agents.js";

const MiB = 1024 * 1024;
/** Generous: a fleet of 10,000 reconnecting must fit in the 60 s target anyway. */
const WAIT_MS = 10 * 60_000;

export interface ScaleReport {
  description: string;
  agents: number;
  hubRssIdleMiB: number;
  hubRssConnectedMiB: number;
  hubMemoryPerAgentKiB: number;
  projectedRssFor10000AgentsMiB: number;
  firstConnectSeconds: number;
  reconnectAfterRestartSeconds: number;
  /** CPU the hub and the simulated fleet each spent on that reconnection. */
  reconnectCpuSeconds: { hub: number; simulatedAgents: number };
  /** CPU a hub spends starting with no agent (run from TypeScript source here, via tsx). */
  hubStartCpuSeconds: number;
  /**
   * The hub's share per agent, its start left out: with the fleet on other machines the hub
   * has a core to itself, and this times the fleet's size bounds how long it takes.
   */
  hubCpuMsPerReconnect: number;
  /** That bound for 10,000 agents: the start, then every agent's share, on one core. */
  hubBoundReconnectSecondsFor10000: number;
  /** Share of a core each used with every agent connected and no requests (keepalives). */
  restingCpuPercent: { hub: number; simulatedAgents: number };
  note: string;
  target: string;
}

/** User plus system CPU time of a process so far, in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** A window of three keepalive intervals (5 s each, both ends' default). */
const RESTING_WINDOW_MS = 15_000;

async function restingCpu(
  hubPid: number,
  fleetPid: number,
): Promise<{ hub: number; simulatedAgents: number }> {
  const before = await Promise.all([cpuSeconds(hubPid), cpuSeconds(fleetPid)]);
  // A measurement window, not a wait for an event: the fleet is at rest throughout.
  await sleep(RESTING_WINDOW_MS);
  const after = await Promise.all([cpuSeconds(hubPid), cpuSeconds(fleetPid)]);
  const percent = (i: number) =>
    Math.round((((after[i] ?? 0) - (before[i] ?? 0)) * 100_000) / RESTING_WINDOW_MS) / 10;
  return { hub: percent(0), simulatedAgents: percent(1) };
}

interface RunningHub {
  process: WarrenProcess;
  api: number;
  tunnel: number;
}

async function startHub(dataDir: string, api = 0, tunnel = 0): Promise<RunningHub> {
  const hubProcess = spawnWarren(
    "hub",
    ["start", "--data-dir", dataDir, ...loopbackListenArgs({ api, tunnel })],
    {},
  );
  const ready = await hubProcess.logs.waitForMessage("hub ready");
  const port = (addr: unknown) => Number(String(addr).split(":").at(-1));
  return { process: hubProcess, api: port(ready.apiAddr), tunnel: port(ready.tunnelListenAddr) };
}

const upIs = (count: number) => (entry: LogEntry) => entry.msg === "up" && entry.up === count;
const seconds = (ms: number) => Math.round(ms) / 1000;

export async function measureScale(dir: string, agents: number): Promise<ScaleReport> {
  const dataDir = join(dir, "hub");
  // Once to make the CA and host key, then stopped so the fleet can be registered directly.
  const first = await startHub(dataDir);
  await first.process.stop();
  progress(`registering ${agents} agents`);
  const simulation = await seedAgents(dataDir, agents, `127.0.0.1:${first.tunnel}`);

  let hub = await startHub(dataDir, first.api, first.tunnel);
  const idle = await rssBytes(hub.process.pid);
  // No agent has dialled yet: what starting costs the hub by itself.
  const hubStartCpu = await cpuSeconds(hub.process.pid);
  // A thread per core: one thread of simulated agents is busier than the hub at 10,000.
  const fleet = spawnScript(
    "test/bench/tunnel/simulated-agents.ts",
    [simulation, String(cpus().length)],
    {},
  );
  try {
    let started = performance.now();
    await fleet.logs.waitFor(upIs(agents), `all ${agents} agents connected`, WAIT_MS);
    const firstConnect = performance.now() - started;
    const connected = await rssBytes(hub.process.pid);
    progress(`restarting the hub under ${agents} agents`);
    const mark = fleet.logs.mark();
    await hub.process.stop();
    await fleet.logs.waitFor(upIs(0), "every agent to notice", WAIT_MS, mark);
    started = performance.now();
    const restart = fleet.logs.mark();
    const fleetCpu = await cpuSeconds(fleet.pid);
    hub = await startHub(dataDir, first.api, first.tunnel);
    await fleet.logs.waitFor(upIs(agents), `all ${agents} agents back`, WAIT_MS, restart);
    const reconnect = performance.now() - started;
    const reconnectCpuSeconds = {
      hub: await cpuSeconds(hub.process.pid),
      simulatedAgents: Math.round(((await cpuSeconds(fleet.pid)) - fleetCpu) * 10) / 10,
    };
    const restingCpuPercent = await restingCpu(hub.process.pid, fleet.pid);
    const perAgent = (connected - idle) / agents;
    const hubMsPerAgent = ((reconnectCpuSeconds.hub - hubStartCpu) * 1000) / agents;
    return {
      description:
        "simulated agents (own SSH connection, real handshake, gRPC served) against one hub process",
      agents,
      hubRssIdleMiB: Math.round(idle / MiB),
      hubRssConnectedMiB: Math.round(connected / MiB),
      hubMemoryPerAgentKiB: Math.round(perAgent / 1024),
      projectedRssFor10000AgentsMiB: Math.round((idle + perAgent * 10_000) / MiB),
      firstConnectSeconds: seconds(firstConnect),
      reconnectAfterRestartSeconds: seconds(reconnect),
      reconnectCpuSeconds,
      hubStartCpuSeconds: hubStartCpu,
      hubCpuMsPerReconnect: Math.round(hubMsPerAgent * 100) / 100,
      hubBoundReconnectSecondsFor10000: Math.round((hubStartCpu + hubMsPerAgent * 10) * 10) / 10,
      restingCpuPercent,
      note: "the simulated agents run on the same cores as the hub (a thread per core), and redial as real agents do (500 ms doubling to 30 s, with jitter)",
      target: "10000 agents: hub under 1 GiB, back within 20 s of a restart",
    };
  } finally {
    await fleet.kill();
    await hub.process.stop();
  }
}
