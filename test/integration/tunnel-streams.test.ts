// Streams through a real hub (in this process, so the test can use its registry directly) and
// real agent processes: replicas, ordering, flow control and graceful shutdown.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunningHub } from "@warren/hub";
import { AgentServiceService } from "@warren/proto";
import type { Http2GrpcClient } from "@warren/tunnel";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { eventually } from "../support/eventually.js";
import { startInProcessHub } from "../support/in-process-hub.js";
import { mintToken } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import type { WarrenProcess } from "../support/warren-process.js";

const MiB = 1024 * 1024;
let scratch: string;
let hub: RunningHub;
let dataDir: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "warren-streams-"));
  dataDir = join(scratch, "hub");
  hub = await startInProcessHub(dataDir);
});

afterAll(async () => {
  await hub.stop(1000);
  await rm(scratch, { recursive: true, force: true });
});

afterEach(() => warren.cleanUp());

async function replicas(
  cluster: string,
  count: number,
): Promise<{ agents: WarrenProcess[]; ids: string[] }> {
  const { token } = await mintToken(
    dataDir,
    "--type",
    "kube",
    "--cluster",
    cluster,
    "--uses",
    String(count),
  );
  const agents = Array.from({ length: count }, (_, i) =>
    warren.dirAgent({
      hubAddr: hub.apiAddr,
      clusterName: cluster,
      stateDir: join(scratch, `${cluster}-${i}`),
      token,
      // Echo and Download, which these tests stream through, are off by default.
      env: { WARREN_BENCH_RPCS: "true" },
    }),
  );
  const ups = await Promise.all(agents.map((agent) => agent.logs.waitForMessage("tunnel up")));
  await eventually(() => hub.registry.inCluster(cluster).length === count, {
    description: "the hub to register them",
  });
  return { agents, ids: ups.map((up) => String(up.agentId)) };
}

async function pingVia(cluster: string): Promise<string> {
  const agent = hub.registry.pick(cluster);
  if (!agent) throw new Error(`no agent of ${cluster} to pick`);
  await agent.tunnel.grpc.unary(AgentServiceService.ping, { payload: Buffer.from("x") });
  return agent.record.id;
}

async function downloadAll(cluster: string, bytes: number): Promise<number> {
  const agent = hub.registry.pick(cluster);
  if (!agent) throw new Error(`no agent of ${cluster}`);
  const call = agent.tunnel.grpc.call(AgentServiceService.download);
  await call.write({ bytes, chunkBytes: 0 });
  call.end();
  let received = 0;
  for await (const { data } of call) received += data.length;
  return received;
}

/**
 * Starts a download and waits until its first bytes arrive, so it is under way for sure;
 * `finish` reads the rest and resolves to the bytes received in all.
 */
async function downloadUnderWay(
  grpc: Http2GrpcClient,
  bytes: number,
): Promise<{ finish(): Promise<number> }> {
  const call = grpc.call(AgentServiceService.download);
  await call.write({ bytes, chunkBytes: 0 });
  call.end();
  const responses = call[Symbol.asyncIterator]();
  const started = await responses.next();
  if (started.done) throw new Error("the download ended before it began");
  let received = started.value.data.length;
  return {
    finish: async () => {
      for (let next = await responses.next(); !next.done; next = await responses.next()) {
        received += next.value.data.length;
      }
      return received;
    },
  };
}

describe("streams through the hub and a real agent", () => {
  it("spread over a cluster's replicas, and fail over when one drops", async () => {
    const { agents, ids } = await replicas("spread", 2);
    const answered = new Set<string>();
    for (let i = 0; i < 10; i++) answered.add(await pingVia("spread"));
    expect(answered).toEqual(new Set(ids));

    await agents[0]?.kill();
    await eventually(() => hub.registry.inCluster("spread").length === 1, {
      description: "the hub to drop it",
    });
    const after = new Set<string>();
    for (let i = 0; i < 5; i++) after.add(await pingVia("spread"));
    expect(after).toEqual(new Set([ids[1]]));
  });

  it("arrive intact and in order, many at once", async () => {
    await replicas("order", 1);
    const grpc = hub.registry.pick("order")?.tunnel.grpc;
    if (!grpc) throw new Error("no agent of order");
    const streams = Array.from({ length: 32 }, async (_, stream) => {
      const call = grpc.call(AgentServiceService.echo);
      const sent = Array.from({ length: 100 }, (_, i) =>
        Buffer.from(`${stream}/${i}/${"z".repeat((i * 131) % 4000)}`),
      );
      const writing = (async () => {
        for (const payload of sent) await call.write({ payload });
        call.end();
      })();
      const received: Buffer[] = [];
      for await (const { payload } of call) received.push(Buffer.from(payload));
      await writing;
      return (
        received.every((payload, i) => payload.equals(sent[i] ?? Buffer.alloc(0))) &&
        received.length === 100
      );
    });
    expect(await Promise.all(streams)).toEqual(Array.from({ length: 32 }, () => true));
  });

  it("keep flowing while another stream's reader has stopped", async () => {
    await replicas("stall", 1);
    const agent = hub.registry.pick("stall");
    const stalled = agent?.tunnel.grpc.call(AgentServiceService.download);
    await stalled?.write({ bytes: 256 * MiB, chunkBytes: 0 });
    stalled?.end();
    const busy = await Promise.all(Array.from({ length: 15 }, () => downloadAll("stall", 8 * MiB)));
    expect(busy).toEqual(Array.from({ length: 15 }, () => 8 * MiB));
    stalled?.cancel();
  });

  it("finish within the grace period when the agent is stopped, while new ones go elsewhere", async () => {
    const { agents, ids } = await replicas("drain", 2);
    const first = hub.registry.get(ids[0] ?? "");
    if (!first) throw new Error("the first replica is not registered");
    const download = await downloadUnderWay(first.tunnel.grpc, 64 * MiB);
    const stopping = agents[0]?.stop();
    await eventually(() => first.tunnel.grpc.closing, {
      description: "the hub to hear the agent drains",
    });
    const elsewhere = new Set<string>();
    for (let i = 0; i < 5; i++) elsewhere.add(await pingVia("drain"));
    expect(elsewhere).toEqual(new Set([ids[1]]));
    expect(await download.finish()).toBe(64 * MiB);
    expect(await stopping).toBe(0);
  });
});

describe("a hub stopping gracefully", () => {
  it("lets a download through a tunnel finish before it closes the tunnels", async () => {
    const ownDataDir = join(scratch, "draining-hub");
    const draining = await startInProcessHub(ownDataDir);
    const { token } = await mintToken(ownDataDir, "--type", "kube", "--cluster", "own");
    const agent = warren.dirAgent({
      hubAddr: draining.apiAddr,
      clusterName: "own",
      stateDir: join(scratch, "own"),
      token,
      env: { WARREN_BENCH_RPCS: "true" },
    });
    await agent.logs.waitForMessage("tunnel up");
    await eventually(() => draining.registry.inCluster("own").length === 1, {
      description: "the hub to register it",
    });
    const grpc = draining.registry.pick("own")?.tunnel.grpc;
    if (!grpc) throw new Error("no agent of own");
    const download = await downloadUnderWay(grpc, 64 * MiB);
    const stopping = draining.stop(30_000);
    expect(await download.finish()).toBe(64 * MiB);
    await stopping;
    await agent.logs.waitForMessage("tunnel down; reconnecting");
  });
});
