// Tunnels between real hub and agent processes: connecting, surviving a hub crash, being cut
// by revocation, shrugging off garbage, and noticing a half-open connection.
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { eventually } from "../support/eventually.js";
import type { LogEntry } from "../support/process-logs.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let scratch: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "warren-tunnel-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

afterEach(() => warren.cleanUp());

interface AgentView {
  agentId: string;
  connected: boolean;
  tunnelRttMs: number | null;
  lastHeartbeatAt: string | null;
}

async function listedAgents(hub: TestHub): Promise<AgentView[]> {
  const listed = await hub.warrenctl("clusters", "ls", "--format", "json");
  return (JSON.parse(listed.stdout) as { agents: AgentView[] }[]).flatMap(
    (cluster) => cluster.agents,
  );
}

async function connectedAgent(hub: TestHub, name: string, env: Record<string, string> = {}) {
  const agent = warren.dirAgent({
    hubAddr: hub.addr,
    clusterName: name,
    stateDir: join(scratch, `${name}-${Date.now()}`),
    token: await warren.token(hub, name),
    env,
  });
  const up = await agent.logs.waitForMessage("tunnel up");
  const agentId = String(up.agentId);
  await hub.process.logs.waitForMessage("agent connected", { agentId });
  return { agent, agentId, hostKeyType: up.hostKeyType };
}

const disconnected = (reason: string) => (entry: LogEntry) =>
  entry.msg === "agent disconnected" && String(entry.reason).includes(reason);

describe("the tunnel between hub and agent", () => {
  it("carries requests, and clusters ls shows the agent connected with its round trip", async () => {
    const hub = await warren.hub();
    const { agentId, hostKeyType } = await connectedAgent(hub, "alpha");
    // The hub's fast key: it signs each agent's handshake, all of them after a restart.
    expect(hostKeyType).toBe("ssh-ed25519");
    const ping = await hub.warrenctl("agents", "ping", agentId, "--format", "json");
    expect(ping.code, ping.stderr).toBe(0);
    expect((JSON.parse(ping.stdout) as { roundTripMs: number }).roundTripMs).toBeGreaterThan(0);
    const [listed] = await eventually(
      async () => {
        const agents = await listedAgents(hub);
        return agents[0]?.lastHeartbeatAt ? agents : undefined;
      },
      { description: "a heartbeat to be recorded" },
    );
    expect(listed).toMatchObject({ agentId, connected: true });
    expect(listed?.tunnelRttMs).toBeGreaterThan(0);
  });

  it("comes back on its own after the hub is killed and restarted", async () => {
    const hub = await warren.hub();
    const { agent, agentId } = await connectedAgent(hub, "beta");
    const mark = agent.logs.mark();
    await hub.process.kill();
    await agent.logs.waitForMessage("tunnel down; reconnecting", {}, mark);
    const restarted = await warren.hub({
      dataDir: hub.dataDir,
      port: hub.port,
      tunnelPort: hub.tunnelPort,
    });
    await agent.logs.waitForMessage("tunnel up", { agentId }, mark);
    await restarted.process.logs.waitForMessage("agent connected", { agentId });
    const ping = await restarted.warrenctl("agents", "ping", agentId);
    expect(ping.code, ping.stderr).toBe(0);
  });

  it("is cut when the agent is revoked, and the agent cannot reconnect", async () => {
    const hub = await warren.hub();
    const { agent, agentId } = await connectedAgent(hub, "gamma");
    const removed = await hub.warrenctl("agents", "rm", agentId);
    expect(removed.stdout).toContain(`Revoked agent ${agentId}`);
    await hub.process.logs.waitFor(disconnected("revoked by local-admin"), "the tunnel to be cut");
    const refused = await hub.process.logs.waitFor(
      (entry) =>
        entry.msg === "refused an agent's tunnel" && String(entry.reason).includes("was revoked"),
      "the agent's reconnection to be refused",
    );
    expect(refused.username).toBe(agentId);
    const rejected = await agent.logs.waitFor(
      (entry) => entry.problem === "identity_rejected",
      "the agent to say why",
    );
    expect(rejected.msg).toContain(`agent ${agentId} was revoked`);
    expect((await listedAgents(hub)).filter((a) => a.connected)).toEqual([]);
    expect((await hub.warrenctl("agents", "ping", agentId)).stderr).toContain(
      "has no tunnel to this hub",
    );
  });

  it("drops garbage on the tunnel port with a log line and keeps serving agents", async () => {
    const hub = await warren.hub();
    const { agentId } = await connectedAgent(hub, "delta");
    const socket = connect({ host: "127.0.0.1", port: hub.tunnelPort });
    socket.resume();
    await once(socket, "connect");
    socket.end("\u0016\u0003\u0001 this is not SSH\r\n".repeat(100));
    const dropped = await hub.process.logs.waitForMessage(
      "dropped a connection that is not a Warren agent",
    );
    expect(dropped.reason).toBeTruthy();
    expect((await hub.warrenctl("agents", "ping", agentId)).code).toBe(0);
  });

  it("notices a half-open connection at both ends within the keepalive timeout, and redials", async () => {
    const keepalive = { interval: "200ms", timeout: "1s" };
    const target = { host: "127.0.0.1", port: 0 };
    // The proxy must exist before the hub, which tells agents to dial it.
    const proxy = await TcpProxy.start(target);
    const hub = await warren.hub({
      args: ["--tunnel-public-addr", proxy.addr],
      env: {
        WARREN_HUB_TUNNEL_KEEPALIVE_INTERVAL: keepalive.interval,
        WARREN_HUB_TUNNEL_KEEPALIVE_TIMEOUT: keepalive.timeout,
      },
    });
    target.port = hub.tunnelPort;
    try {
      const { agent, agentId } = await connectedAgent(hub, "epsilon", {
        WARREN_TUNNEL_KEEPALIVE_INTERVAL: keepalive.interval,
        WARREN_TUNNEL_KEEPALIVE_TIMEOUT: keepalive.timeout,
      });
      const mark = agent.logs.mark();
      proxy.freeze();
      await hub.process.logs.waitFor(
        disconnected("no answer to keepalives for 1000 ms"),
        "the hub to give up",
      );
      await agent.logs.waitForMessage("tunnel down; reconnecting", {}, mark);
      proxy.thaw();
      await agent.logs.waitForMessage("tunnel up", { agentId }, mark);
    } finally {
      await proxy.close();
    }
  });
});
