import { X509Certificate } from "node:crypto";

import { healthStateName } from "@warren/proto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

import type { AgentRegistry } from "../tunnel/agent-registry.js";

/** The hub's Prometheus metrics, in a registry of its own (nothing global). */
export class HubMetrics {
  readonly registry = new Registry();
  readonly kubeRequests: Counter<"cluster" | "code">;
  readonly kubeDuration: Histogram<"cluster">;
  readonly kubeStreams: Gauge;
  readonly kubeUnauthenticated: Counter;
  readonly joinRefusals: Counter<"reason">;

  /** `ca`: the CA everything trusts now, and the rotation's phase. */
  constructor(agents: AgentRegistry, ca: () => { certificatePem: string; phase: string }) {
    const registers = [this.registry];
    // The event loop's lag sampled every 100 ms, not prom-client's 10: a timer at 100 Hz woke
    // an idle process (each agent of a fleet) a hundred times a second.
    collectDefaultMetrics({
      register: this.registry,
      prefix: "warren_hub_",
      eventLoopMonitoringPrecision: 100,
    });
    new Gauge({
      name: "warren_hub_tunnels",
      help: "agents connected through a tunnel, by cluster",
      labelNames: ["cluster"],
      registers,
      collect() {
        this.reset();
        for (const agent of agents.all()) this.inc({ cluster: agent.record.clusterName });
      },
    });
    new Gauge({
      name: "warren_hub_cluster_health",
      help: "1 for the health state each connected agent last reported for its cluster",
      labelNames: ["cluster", "agent", "state"],
      registers,
      collect() {
        this.reset();
        for (const agent of agents.all()) {
          const state = agent.health ? healthStateName(agent.health.state) : "unknown";
          this.set({ cluster: agent.record.clusterName, agent: agent.record.id, state }, 1);
        }
      },
    });
    new Gauge({
      name: "warren_hub_agent_certificate_expiry_timestamp_seconds",
      help: "when each connected agent's certificate expires (agents renew before)",
      labelNames: ["cluster", "agent"],
      registers,
      collect() {
        this.reset();
        for (const { record } of agents.all()) {
          const labels = { cluster: record.clusterName, agent: record.id };
          this.set(labels, record.certificateExpiresAt.getTime() / 1000);
        }
      },
    });
    new Gauge({
      name: "warren_hub_ca_certificate_expiry_timestamp_seconds",
      help: "when the hub's CA certificate expires",
      registers,
      collect() {
        this.set(Date.parse(new X509Certificate(ca().certificatePem).validTo) / 1000);
      },
    });
    new Gauge({
      name: "warren_hub_ca_rotation_phase",
      help: "1 for the phase the hub's CA rotation is in (standby when none runs)",
      labelNames: ["phase"],
      registers,
      collect() {
        this.reset();
        this.set({ phase: ca().phase }, 1);
      },
    });
    this.kubeRequests = new Counter({
      name: "warren_hub_kube_requests_total",
      help: "kubectl requests through the hub, by cluster (_unknown: no such cluster) and status",
      labelNames: ["cluster", "code"],
      registers,
    });
    this.kubeDuration = new Histogram({
      name: "warren_hub_kube_request_duration_seconds",
      help: "kubectl requests through the hub, from arrival to the end of the answer",
      labelNames: ["cluster"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
      registers,
    });
    this.kubeStreams = new Gauge({
      name: "warren_hub_kube_streams",
      help: "kubectl requests in flight (watches, logs -f and exec sessions included)",
      registers,
    });
    // No label from the request: what an unauthenticated caller sends never becomes a series.
    this.kubeUnauthenticated = new Counter({
      name: "warren_hub_kube_unauthenticated_total",
      help: "kube requests refused before authentication (no, foreign, expired or stale certificate)",
      registers,
    });
    this.joinRefusals = new Counter({
      name: "warren_hub_join_refusals_total",
      help: "joins and admin enrolments refused, by reason (throttled included)",
      labelNames: ["reason"],
      registers,
    });
  }
}
