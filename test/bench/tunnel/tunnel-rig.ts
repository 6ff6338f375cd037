import { connect } from "node:net";
import { once } from "node:events";
import { join } from "node:path";

import { credentials } from "@grpc/grpc-js";
import type { RunningHub } from "@warren/hub";
import { AgentServiceClient } from "@warren/proto";
import { Http2GrpcClient } from "@warren/tunnel";

import { eventually } from "../../support/eventually.js";
import { startInProcessHub } from "../../support/in-process-hub.js";
import { mintToken } from "../../support/test-hub.js";
import { spawnScript, spawnWarren, type WarrenProcess } from "../../support/warren-process.js";
import { startPlainHttp2, type PlainHttp2 } from "./plain-http2.js";

/**
 * What the tunnel benchmarks measure: the hub (in this process, as in production the hub is
 * where requests originate) talking through the tunnel to a real warren-agent process; and,
 * for the baseline, a process serving the same agent service straight on a loopback port.
 */
export interface TunnelRig {
  /** The hub's gRPC client to the agent, through the SSH tunnel. */
  tunnel: Http2GrpcClient;
  /** grpc-js, the usual gRPC client, straight to the baseline server. */
  directGrpcJs: AgentServiceClient;
  /** The hub's own gRPC client, straight to the baseline server over plain TCP. */
  directHttp2: Http2GrpcClient;
  /** node:http2 alone, client and server: the floor under both of the above. */
  plainHttp2: PlainHttp2;
  agentPid: number;
  hub: RunningHub;
  close(): Promise<void>;
}

async function joinAgent(
  hub: RunningHub,
  dataDir: string,
  scratch: string,
): Promise<WarrenProcess> {
  const { token } = await mintToken(dataDir, "--type", "kube", "--cluster", "bench");
  const agent = spawnWarren(
    "agent",
    [
      "start",
      "--hub-addr",
      hub.apiAddr,
      "--cluster-name",
      "bench",
      "--state-dir",
      join(scratch, "agent"),
    ],
    { WARREN_JOIN_TOKEN: token, WARREN_BENCH_RPCS: "true" },
  );
  await agent.logs.waitForMessage("tunnel up");
  await eventually(() => hub.registry.inCluster("bench").length > 0, {
    description: "the hub to register the agent",
  });
  return agent;
}

export async function startTunnelRig(scratch: string): Promise<TunnelRig> {
  const dataDir = join(scratch, "hub");
  const hub = await startInProcessHub(dataDir);
  const agent = await joinAgent(hub, dataDir, scratch);
  const tunnel = hub.registry.pick("bench")?.tunnel.grpc;
  if (!tunnel) throw new Error("the agent did not connect");
  const direct = spawnScript("test/bench/tunnel/direct-agent-server.ts", [], {});
  const { port } = await direct.logs.waitForMessage("listening");
  const directGrpcJs = new AgentServiceClient(
    `127.0.0.1:${String(port)}`,
    credentials.createInsecure(),
  );
  const socket = connect({ host: "127.0.0.1", port: Number(port), noDelay: true });
  await once(socket, "connect");
  const directHttp2 = new Http2GrpcClient(socket);
  const plainHttp2 = await startPlainHttp2();
  return {
    tunnel,
    directGrpcJs,
    directHttp2,
    plainHttp2,
    agentPid: agent.pid,
    hub,
    close: async () => {
      directHttp2.destroy();
      directGrpcJs.close();
      await Promise.all([agent.stop(), direct.stop(), plainHttp2.close()]);
      await hub.stop(1000);
    },
  };
}
