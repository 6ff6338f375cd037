// The agent's probe endpoints, as the kubelet sees them: alive at once, ready only with an
// identity and a tunnel.
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { WarrenFixtures } from "../support/warren-fixtures.js";

let scratch: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "agent-diagnostics-"));
});

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

async function probe(addr: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://${addr}${path}`);
  return { status: response.status, body: await response.text() };
}

describe("the agent's diagnostics port", () => {
  it("is alive at once, ready only once joined with a tunnel up, and unready when it drops", async () => {
    const hub = await warren.hub();
    const tokenFile = join(scratch, "token");
    await writeFile(tokenFile, "");
    const agent = warren.dirAgent({
      hubAddr: hub.addr,
      clusterName: "probed",
      stateDir: join(scratch, "state"),
      env: { WARREN_JOIN_TOKEN_FILE: tokenFile },
    });
    const addr = String((await agent.logs.waitForMessage("diagnostics listening")).addr);
    expect(await probe(addr, "/healthz")).toEqual({ status: 200, body: "ok\n" });
    expect(await probe(addr, "/readyz")).toEqual({
      status: 503,
      body: "not joined: waiting for an identity from the hub\n",
    });
    await writeFile(tokenFile, await warren.token(hub, "probed"));
    await agent.logs.waitForMessage("tunnel up");
    expect(await probe(addr, "/readyz")).toEqual({
      status: 200,
      body: "ready: joined, tunnel up\n",
    });
    const mark = agent.logs.mark();
    await hub.process.stop();
    await agent.logs.waitForMessage("tunnel down; reconnecting", {}, mark);
    expect((await probe(addr, "/readyz")).status).toBe(503);
    expect(await probe(addr, "/healthz")).toEqual({ status: 200, body: "ok\n" });
  });

  it("taken by another process: the agent says so and exits, leaving nothing running", async () => {
    const taken = createServer();
    taken.listen(0, "127.0.0.1");
    await once(taken, "listening");
    const addr = `127.0.0.1:${String((taken.address() as AddressInfo).port)}`;
    try {
      const agent = warren.dirAgent({
        hubAddr: "127.0.0.1:1",
        clusterName: "unstarted",
        stateDir: join(scratch, "unstarted"),
        env: { WARREN_DIAGNOSTICS_ADDR: addr, WARREN_JOIN_TOKEN: "" },
      });
      // Exits by itself: the half-started agent (timers, retries) is stopped behind the error.
      expect(await agent.exited).toBe(1);
      expect(agent.logs.text()).toContain(`warren-agent: cannot serve diagnostics on ${addr}`);
      expect(agent.logs.text()).toContain('"msg":"agent stopped"');
    } finally {
      taken.close();
    }
  });
});
