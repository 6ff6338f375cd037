// Many agents in one process, each with its own SSH connection, real handshake and
// authentication, and gRPC served over its tunnel: the load a hub with a fleet carries.
// Prints {"msg":"up","up":N} whenever the number of agents the hub has a channel to changes.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

import { createAgentGrpcServer } from "@warren/agent";
import { silentLogger } from "@warren/log";
import { Backoff, openTunnel } from "@warren/tunnel";

import type { SimulationConfig } from "./seed-agents.js";

const config = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as SimulationConfig;
const [host = "127.0.0.1", port = "0"] = config.tunnelAddr.split(":");
const hostKeys = config.hostKeys.map((key) => Buffer.from(key, "base64"));
const server = createAgentGrpcServer({
  agentVersion: "simulated",
  logger: silentLogger,
  upstream: undefined,
  health: undefined,
});

let up = 0;
let reported = -1;
setInterval(() => {
  if (up === reported) return;
  reported = up;
  process.stdout.write(`${JSON.stringify({ msg: "up", up })}\n`);
}, 100);

/** One agent's life, with the real agent's redial policy. */
async function agent(agentId: string): Promise<void> {
  const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
  for (;;) {
    // An object, not a let: the flag is set in a callback, which TypeScript does not follow.
    const connection = { served: false };
    try {
      const tunnel = await openTunnel({
        host,
        port: Number(port),
        username: agentId,
        privateKeyPem: config.privateKeyPem,
        expectedHostKeys: hostKeys,
        onChannel: (channel) => {
          server.serve(channel);
          if (!connection.served) up += 1;
          connection.served = true;
        },
      });
      await tunnel.closed;
    } catch {
      // Unreachable while the hub restarts: redial after the backoff.
    }
    if (connection.served) {
      up -= 1;
      backoff.reset();
    }
    await sleep(backoff.next());
  }
}

for (const agentId of config.agentIds) void agent(agentId);
