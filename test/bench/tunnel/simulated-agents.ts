// Many agents in one process, each with its own SSH connection, real handshake and
// authentication, and gRPC served over its tunnel: the load a hub with a fleet carries.
// Prints {"msg":"up","up":N} whenever the number of agents the hub has a channel to changes.
// Usage: simulated-agents.ts SIMULATION.json [THREADS]. The agents are split over THREADS
// worker threads (default 1): one thread for 10,000 agents is busier than the hub, and the
// bench would measure it rather than the hub.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import { createAgentGrpcServer } from "@warren/agent";
import { silentLogger } from "@warren/log";
import { Backoff, openTunnel } from "@warren/tunnel";

import type { SimulationConfig } from "./seed-agents.js";

interface Slice {
  path: string;
  index: number;
  threads: number;
}

/** Starts the worker threads and prints the sum of their counts. */
function runThreads(path: string, threads: number): void {
  const counts = new Array<number>(threads).fill(0);
  let reported = -1;
  for (let index = 0; index < threads; index++) {
    // Inherits this process's flags (the source condition); the .mjs registers tsx.
    const worker = new Worker(new URL("./simulated-agents-thread.mjs", import.meta.url), {
      workerData: { path, index, threads } satisfies Slice,
    });
    worker.on("message", (up: number) => {
      counts[index] = up;
    });
    worker.on("error", (error) => {
      process.stderr.write(`simulated agents: ${error.message}\n`);
      process.exit(1);
    });
  }
  setInterval(() => {
    const up = counts.reduce((sum, count) => sum + count, 0);
    if (up === reported) return;
    reported = up;
    process.stdout.write(`${JSON.stringify({ msg: "up", up })}\n`);
  }, 100);
}

if (isMainThread) {
  runThreads(process.argv[2] ?? "", Math.max(1, Number(process.argv[3] ?? "1")));
} else {
  runSlice(workerData as Slice);
}

/** What every agent of one thread shares. */
interface Fleet {
  config: SimulationConfig;
  host: string;
  port: number;
  hostKeys: Buffer[];
  server: ReturnType<typeof createAgentGrpcServer>;
  up: number;
}

function runSlice(slice: Slice): void {
  const config = JSON.parse(readFileSync(slice.path, "utf8")) as SimulationConfig;
  const [host = "127.0.0.1", port = "0"] = config.tunnelAddr.split(":");
  const fleet: Fleet = {
    config,
    host,
    port: Number(port),
    hostKeys: config.hostKeys.map((key) => Buffer.from(key, "base64")),
    server: createAgentGrpcServer({
      agentVersion: "simulated",
      logger: silentLogger,
      upstream: undefined,
      health: undefined,
    }),
    up: 0,
  };
  let reported = -1;
  setInterval(() => {
    if (fleet.up === reported) return;
    reported = fleet.up;
    parentPort?.postMessage(fleet.up);
  }, 100);
  config.agentIds.forEach((agentId, i) => {
    if (i % slice.threads === slice.index) void agent(fleet, agentId);
  });
}

/** One agent's life, with the real agent's redial policy. */
async function agent(fleet: Fleet, agentId: string): Promise<void> {
  const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
  for (;;) {
    // An object, not a let: the flag is set in a callback, which TypeScript does not follow.
    const connection = { served: false };
    try {
      const tunnel = await openTunnel({
        host: fleet.host,
        port: fleet.port,
        username: agentId,
        privateKeyPem: fleet.config.privateKeyPem,
        expectedHostKeys: fleet.hostKeys,
        onChannel: (channel) => {
          fleet.server.serve(channel);
          if (!connection.served) fleet.up += 1;
          connection.served = true;
        },
      });
      await tunnel.closed;
    } catch {
      // Unreachable while the hub restarts: redial after the backoff.
    }
    if (connection.served) {
      fleet.up -= 1;
      backoff.reset();
    }
    await sleep(backoff.next());
  }
}
