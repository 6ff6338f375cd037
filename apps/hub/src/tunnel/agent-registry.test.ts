import { EventEmitter } from "node:events";

import { silentLogger } from "@warren/log";
import type { AgentRecord } from "@warren/store";
import type { AgentTunnel } from "@warren/tunnel";
import { describe, expect, it } from "vitest";

import { systemClock } from "../clock.js";
import { AgentRegistry } from "./agent-registry.js";

/** Just enough of a tunnel for the registry: calls in flight, closing, and a close event. */
class FakeTunnel extends EventEmitter {
  closed = false;
  grpc = { activeCalls: 0, closing: false };
  remoteAddress = "127.0.0.1:1";

  constructor(readonly peer: AgentRecord) {
    super();
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.emit("close", reason);
  }
}

function agent(id: string, clusterName = "prod"): FakeTunnel {
  return new FakeTunnel({ id, clusterName, agentVersion: "1" } as AgentRecord);
}

const asTunnel = (fake: FakeTunnel) => fake as unknown as AgentTunnel<AgentRecord>;

describe("AgentRegistry", () => {
  it("spreads requests over a cluster's idle replicas and prefers the least busy", () => {
    const registry = new AgentRegistry(silentLogger, systemClock);
    const [a, b] = [agent("a"), agent("b")];
    registry.add(asTunnel(a));
    registry.add(asTunnel(b));
    registry.add(asTunnel(agent("c", "other")));
    const picked = Array.from({ length: 10 }, () => registry.pick("prod")?.record.id);
    expect(new Set(picked)).toEqual(new Set(["a", "b"]));
    a.grpc.activeCalls = 3;
    expect(Array.from({ length: 4 }, () => registry.pick("prod")?.record.id)).toEqual([
      "b",
      "b",
      "b",
      "b",
    ]);
  });

  it("stops picking a replica that dropped or drains, and has none for an empty cluster", () => {
    const registry = new AgentRegistry(silentLogger, systemClock);
    const [a, b] = [agent("a"), agent("b")];
    registry.add(asTunnel(a));
    registry.add(asTunnel(b));
    a.close("network gone");
    expect(registry.pick("prod")?.record.id).toBe("b");
    b.grpc.closing = true;
    expect(registry.pick("prod")).toBeUndefined();
    expect(registry.pick("nowhere")).toBeUndefined();
  });

  it("replaces an agent's older connection with its newer one", () => {
    const registry = new AgentRegistry(silentLogger, systemClock);
    const [old, fresh] = [agent("a"), agent("a")];
    registry.add(asTunnel(old));
    registry.add(asTunnel(fresh));
    expect(old.closed).toBe(true);
    expect(registry.get("a")?.tunnel).toBe(asTunnel(fresh));
    expect(registry.all()).toHaveLength(1);
  });
});
