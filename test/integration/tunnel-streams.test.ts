// Streams through a real hub (in this process, so the test can use its registry directly) and
// real agent processes: replicas, ordering, flow control and graceful shutdown.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { loadHubConfig, startHub, type RunningHub } from "@warren/hub";
import { silentLogger } from "@warren/log";
import { AgentServiceService } from "@warren/proto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { eventually } from "../support/eventually.js";
import { runWarrenctl } from "../support/test-hub.js";
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
  const config = await loadHubConfig({
    flags: {
      "data-dir": dataDir,
      "listen-addr": "127.0.0.1:0",
      "tunnel-listen-addr": "127.0.0.1:0",
    },
    env: {},
  });
  hub = await startHub(config, silentLogger);
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
  const minted = await runWarrenctl([
    "tokens",
    "add",
    "--type",
    "kube",
    "--uses",
    String(count),
    "--format",
    "json",
    "--data-dir",
    dataDir,
  ]);
  const { token } = JSON.parse(minted.stdout) as { token: string };
  const agents = Array.from({ length: count }, (_, i) =>
    warren.dirAgent({
      hubAddr: hub.apiAddr,
      clusterName: cluster,
      stateDir: join(scratch, `${cluster}-${i}`),
      token,
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
    const call = first.tunnel.grpc.call(AgentServiceService.download);
    await call.write({ bytes: 64 * MiB, chunkBytes: 0 });
    call.end();
    // Under way for sure once bytes arrive; then stop the agent under it.
    const responses = call[Symbol.asyncIterator]();
    const started = await responses.next();
    if (started.done) throw new Error("the download ended before it began");
    let received = started.value.data.length;
    const stopping = agents[0]?.stop();
    await eventually(() => first.tunnel.grpc.closing, {
      description: "the hub to hear the agent drains",
    });
    const elsewhere = new Set<string>();
    for (let i = 0; i < 5; i++) elsewhere.add(await pingVia("drain"));
    expect(elsewhere).toEqual(new Set([ids[1]]));
    for (let next = await responses.next(); !next.done; next = await responses.next()) {
      received += next.value.data.length;
    }
    expect(received).toBe(64 * MiB);
    expect(await stopping).toBe(0);
  });
});

describe("a hub stopping gracefully", () => {
  it("lets a download through a tunnel finish before it closes the tunnels", async () => {
    const ownDataDir = join(scratch, "draining-hub");
    const config = await loadHubConfig({
      flags: {
        "data-dir": ownDataDir,
        "listen-addr": "127.0.0.1:0",
        "tunnel-listen-addr": "127.0.0.1:0",
      },
      env: {},
    });
    const draining = await startHub(config, silentLogger);
    const minted = await runWarrenctl([
      "tokens",
      "add",
      "--type",
      "kube",
      "--format",
      "json",
      "--data-dir",
      ownDataDir,
    ]);
    const { token } = JSON.parse(minted.stdout) as { token: string };
    const agent = warren.dirAgent({
      hubAddr: draining.apiAddr,
      clusterName: "own",
      stateDir: join(scratch, "own"),
      token,
    });
    await agent.logs.waitForMessage("tunnel up");
    await eventually(() => draining.registry.inCluster("own").length === 1, {
      description: "the hub to register it",
    });
    const call = draining.registry.pick("own")?.tunnel.grpc.call(AgentServiceService.download);
    if (!call) throw new Error("no agent");
    await call.write({ bytes: 64 * MiB, chunkBytes: 0 });
    call.end();
    const responses = call[Symbol.asyncIterator]();
    const started = await responses.next();
    if (started.done) throw new Error("the download ended before it began");
    let received = started.value.data.length;
    const stopping = draining.stop(30_000);
    for (let next = await responses.next(); !next.done; next = await responses.next()) {
      received += next.value.data.length;
    }
    expect(received).toBe(64 * MiB);
    await stopping;
    await agent.logs.waitForMessage("tunnel down; reconnecting");
  });
});
