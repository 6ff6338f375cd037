// The tunnel end to end on loopback: real SSH (ssh2 both sides), a real grpc-js server on the
// agent side, the hub's HTTP/2 gRPC client. Only the service behind it is a test one.
import { createPublicKey } from "node:crypto";
import { once } from "node:events";
import { connect, type Socket } from "node:net";

import {
  ServerCredentials,
  Server as GrpcServer,
  status,
  type ServerWritableStream,
} from "@grpc/grpc-js";
import { generateEd25519KeyPair, generateKeyPair, type KeyPair } from "@warren/pki";
import {
  AgentServiceService,
  type AgentServiceServer,
  type DownloadRequest,
  type DownloadResponse,
} from "@warren/proto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import type { AgentTunnel } from "./agent-tunnel.js";
import { TunnelErrorCode } from "../errors.js";
import { sshPublicKey } from "./ssh-keys.js";
import { openTunnel, type TunnelConnection } from "./tunnel-client.js";
import { TunnelServer } from "./tunnel-server.js";

const unimplemented = (_call: unknown, callback: (error: { code: status }) => void) => {
  callback({ code: status.UNIMPLEMENTED });
};

async function download(
  call: ServerWritableStream<DownloadRequest, DownloadResponse>,
): Promise<void> {
  const chunk = Buffer.alloc(call.request.chunkBytes || 65_536, 7);
  let left = call.request.bytes;
  while (left > 0 && !call.cancelled) {
    const data = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= data.length;
    if (!call.write({ data })) await once(call, "drain");
  }
  call.end();
}

const testService: AgentServiceServer = {
  ping: (call, callback) => {
    callback(null, { payload: call.request.payload });
  },
  echo: (call) => {
    call.on("data", (request: { payload: Buffer }) => {
      call.write({ payload: request.payload });
      // An agent that answers and ends while the hub may still send (a refused upgrade).
      if (request.payload.toString() === "last") call.end();
    });
    call.on("end", () => call.end());
  },
  download: (call) => {
    download(call).catch(() => call.destroy());
  },
  proxy: (call) => call.destroy(),
  checkHealth: unimplemented,
  setHubReplicas: unimplemented,
  setCertificateAuthorities: unimplemented,
  watchHeartbeats: (call) => call.end(),
};

/** RSA and Ed25519, as the hub has. */
let hostKeys: KeyPair[];
let agentKeys: KeyPair;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  // Host keys as the hub's, and an RSA agent key as agents have.
  const [rsa, ed25519, agentKey] = await Promise.all([
    generateKeyPair(),
    generateEd25519KeyPair(),
    generateKeyPair(),
  ]);
  hostKeys = [rsa, ed25519];
  agentKeys = agentKey;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  port: number;
  tunnels: AgentTunnel<string>[];
  nextTunnel: () => Promise<AgentTunnel<string>>;
  logs: string[];
  /** Resolves when the hub logs `message` (or has already). */
  logged: (message: string) => Promise<void>;
  /** How many times the hub looked an agent up (its store, in the hub). */
  lookups: () => number;
}

async function hub(
  gate: {
    maxConcurrentHandshakes?: number;
    handshakeTimeoutMs?: number;
    handshakeTurnMs?: number;
  } = {},
  hostKeyPems = hostKeys.map((key) => key.privateKeyPem),
): Promise<Rig> {
  const tunnels: AgentTunnel<string>[] = [];
  const waiting: ((t: AgentTunnel<string>) => void)[] = [];
  const logs: string[] = [];
  const logWaiters: { message: string; resolve: () => void }[] = [];
  const record = (_fields: object, message: string) => {
    logs.push(message);
    for (const waiter of logWaiters.filter((w) => w.message === message)) waiter.resolve();
  };
  const logged = (message: string) =>
    logs.includes(message)
      ? Promise.resolve()
      : new Promise<void>((resolve) => logWaiters.push({ message, resolve }));
  const logger = { debug: record, info: record, warn: record, error: record, child: () => logger };
  let lookups = 0;
  const server = new TunnelServer<string>({
    hostKeyPems,
    authenticate: (username, key) => {
      lookups += 1;
      return Promise.resolve(
        username === "agent-1" && key.equals(sshPublicKey(agentKeys.publicKeyPem))
          ? { accepted: true, peer: username, publicKey: createPublicKey(agentKeys.publicKeyPem) }
          : { accepted: false, reason: "unknown agent or key" },
      );
    },
    onTunnel: (tunnel) => {
      tunnels.push(tunnel);
      waiting.shift()?.(tunnel);
    },
    keepalive: { intervalMs: 1000, timeoutMs: 5000 },
    banner: "warren-hub replica r-1",
    ...gate,
    logger,
  });
  const port = await server.listen("127.0.0.1", 0);
  cleanups.push(() => {
    for (const tunnel of tunnels) tunnel.close("test over");
    server.close();
  });
  const nextTunnel = () => new Promise<AgentTunnel<string>>((resolve) => waiting.push(resolve));
  return { port, tunnels, nextTunnel, logs, logged, lookups: () => lookups };
}

async function agent(
  port: number,
  overrides: { username?: string; hostKeys?: Buffer[] } = {},
): Promise<TunnelConnection> {
  const grpc = new GrpcServer();
  grpc.addService(AgentServiceService, testService);
  const injector = grpc.createConnectionInjector(ServerCredentials.createInsecure());
  const connection = await openTunnel({
    host: "127.0.0.1",
    port,
    username: overrides.username ?? "agent-1",
    privateKeyPem: agentKeys.privateKeyPem,
    expectedHostKeys: overrides.hostKeys ?? hostKeys.map((key) => sshPublicKey(key.publicKeyPem)),
    onChannel: (channel) => {
      injector.injectConnection(channel);
    },
  });
  cleanups.push(() => {
    connection.close();
    grpc.forceShutdown();
  });
  return connection;
}

/** A TCP connection to the hub's port that says nothing until the test makes it. */
async function rawConnection(port: number): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port });
  socket.resume();
  await once(socket, "connect");
  return socket;
}

async function connected(): Promise<AgentTunnel<string>> {
  const rig = await hub();
  const tunnel = rig.nextTunnel();
  const connection = await agent(rig.port);
  // Each tunnel knows which hub replica it reached, from the banner sent before auth.
  expect(connection.banner).toBe("warren-hub replica r-1");
  return tunnel;
}

describe("the tunnel", () => {
  it("carries gRPC calls from the hub to the agent it authenticated", async () => {
    const tunnel = await connected();
    expect(tunnel.peer).toBe("agent-1");
    const answer = await tunnel.grpc.unary(AgentServiceService.ping, {
      payload: Buffer.from("hi"),
    });
    expect(Buffer.from(answer.payload).toString()).toBe("hi");
    expect(await tunnel.grpc.ping(1000)).toBeGreaterThanOrEqual(0);
  });

  it("looks an agent up once: SSH's question about the key and the signed attempt share it", async () => {
    const rig = await hub();
    const tunnel = rig.nextTunnel();
    await agent(rig.port);
    await tunnel;
    expect(rig.lookups()).toBe(1);
  });

  it("serves an agent that accepts only the RSA host key (from a hub that named one)", async () => {
    const rig = await hub();
    const tunnel = rig.nextTunnel();
    await agent(rig.port, { hostKeys: [sshPublicKey(hostKeys[0]?.publicKeyPem ?? "")] });
    expect(await (await tunnel).grpc.ping(1000)).toBeGreaterThanOrEqual(0);
  });

  it("holds handshakes past its limit until a turn frees, then serves them", async () => {
    const rig = await hub({ maxConcurrentHandshakes: 1 });
    const tunnels = [rig.nextTunnel(), rig.nextTunnel(), rig.nextTunnel()];
    await Promise.all([agent(rig.port), agent(rig.port), agent(rig.port)]);
    for (const tunnel of await Promise.all(tunnels)) {
      expect(await tunnel.grpc.ping(1000)).toBeGreaterThanOrEqual(0);
    }
  });

  it("starts a waiting handshake only when the one before it ends", async () => {
    const rig = await hub({
      maxConcurrentHandshakes: 1,
      handshakeTimeoutMs: 300,
    });
    // A connection that never speaks SSH holds the only turn until its timeout drops it.
    await rawConnection(rig.port);
    const tunnel = rig.nextTunnel();
    await agent(rig.port);
    await tunnel;
    expect(rig.logs.indexOf("dropped a connection that is not a Warren agent")).toBeGreaterThan(-1);
  });

  it("takes the turn from a connection that stalls, without dropping it", async () => {
    const rig = await hub({
      maxConcurrentHandshakes: 1,
      handshakeTurnMs: 100,
      handshakeTimeoutMs: 60_000,
    });
    const stalled = await rawConnection(rig.port);
    const tunnel = rig.nextTunnel();
    await agent(rig.port);
    await tunnel;
    expect(stalled.destroyed).toBe(false);
    expect(rig.logs).not.toContain("dropped a connection that is not a Warren agent");
    stalled.destroy();
  });

  it("lets a connection that gave up while waiting go quietly", async () => {
    const rig = await hub({ maxConcurrentHandshakes: 1 });
    const holder = await rawConnection(rig.port);
    const waiter = connect({ host: "127.0.0.1", port: rig.port });
    await once(waiter, "connect");
    waiter.destroy();
    await rig.logged("a connection closed while waiting to handshake");
    expect(rig.logs).not.toContain("dropped a connection that is not a Warren agent");
    holder.destroy();
  });

  it("keeps an authenticated tunnel long past the handshake timeout", async () => {
    // Only the handshake timer is a setTimeout here; faking it lets the test move time.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const tunnel = await connected();
      vi.advanceTimersByTime(60_000);
      expect(tunnel.closed).toBe(false);
      const answer = await tunnel.grpc.unary(AgentServiceService.ping, {
        payload: Buffer.from("still"),
      });
      expect(Buffer.from(answer.payload).toString()).toBe("still");
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports the agent's status and trailers, and enforces deadlines", async () => {
    const tunnel = await connected();
    await expect(tunnel.grpc.unary(AgentServiceService.checkHealth, {})).rejects.toMatchObject({
      code: TunnelErrorCode.CallFailed,
      grpcStatus: status.UNIMPLEMENTED,
    });
    const silent = tunnel.grpc.call(AgentServiceService.echo, { timeoutMs: 50 });
    await expect(silent.responses.next()).rejects.toMatchObject({
      grpcStatus: status.DEADLINE_EXCEEDED,
    });
  });

  it("ends a call's responses when the agent ends, though the hub has not ended its side", async () => {
    const tunnel = await connected();
    const call = tunnel.grpc.call(AgentServiceService.echo);
    await call.write({ payload: Buffer.from("last") });
    const received: string[] = [];
    for await (const response of call) received.push(Buffer.from(response.payload).toString());
    expect(received).toEqual(["last"]);
    call.cancel();
  });

  it("keeps many concurrent streams intact and in order", async () => {
    const tunnel = await connected();
    const streams = Array.from({ length: 40 }, async (_, stream) => {
      const call = tunnel.grpc.call(AgentServiceService.echo);
      const sent = Array.from({ length: 50 }, (_, i) =>
        Buffer.from(`${stream}:${i}:${"x".repeat(i * 97)}`),
      );
      const writing = (async () => {
        for (const payload of sent) await call.write({ payload });
        call.end();
      })();
      const received: Buffer[] = [];
      for await (const response of call) received.push(Buffer.from(response.payload));
      await writing;
      return (
        received.length === sent.length &&
        received.every((payload, i) => payload.equals(sent[i] ?? Buffer.alloc(0)))
      );
    });
    expect(await Promise.all(streams)).toEqual(Array.from({ length: 40 }, () => true));
  });

  it("lets busy streams finish while another's reader has stopped", async () => {
    const tunnel = await connected();
    // 64 MiB nobody reads: it fills its own window and waits, and nothing else.
    const stalled = tunnel.grpc.call(AgentServiceService.download);
    await stalled.write({ bytes: 64 * 1024 * 1024, chunkBytes: 0 });
    stalled.end();
    const busy = Array.from({ length: 15 }, async () => {
      const call = tunnel.grpc.call(AgentServiceService.download);
      await call.write({ bytes: 4 * 1024 * 1024, chunkBytes: 0 });
      call.end();
      let received = 0;
      for await (const response of call) received += response.data.length;
      return received;
    });
    expect(await Promise.all(busy)).toEqual(Array.from({ length: 15 }, () => 4 * 1024 * 1024));
    stalled.cancel();
  });

  it("refuses an agent it does not know and a server whose host key is not the certified one", async () => {
    const rig = await hub();
    await expect(agent(rig.port, { username: "stranger" })).rejects.toMatchObject({
      code: TunnelErrorCode.AuthRejected,
    });
    await rig.logged("refused an agent's tunnel");
    const otherKey = sshPublicKey((await generateKeyPair()).publicKeyPem);
    await expect(agent(rig.port, { hostKeys: [otherKey] })).rejects.toMatchObject({
      code: TunnelErrorCode.HostKeyMismatch,
    });
    expect(rig.tunnels).toHaveLength(0);
  });

  it("drops garbage on its port with a log line and keeps serving agents", async () => {
    const rig = await hub();
    const socket = await rawConnection(rig.port);
    socket.end("GET / HTTP/1.1\r\n\r\n\u0000\u0001garbage\r\n");
    await rig.logged("dropped a connection that is not a Warren agent");
    const tunnel = rig.nextTunnel();
    await agent(rig.port);
    expect((await tunnel).peer).toBe("agent-1");
  });
});
