import { X509Certificate } from "node:crypto";

import { healthStateName, HealthState, type ClusterHealth } from "@warren/proto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the metrics read when scraped, rather than being told on every change. */
export interface AgentMetricSources {
  tunnelUp(): boolean;
  health(): ClusterHealth | undefined;
  certificatePem(): string | undefined;
}

const HEALTH_STATES = [
  HealthState.HEALTH_STATE_HEALTHY,
  HealthState.HEALTH_STATE_CANNOT_CONTACT,
  HealthState.HEALTH_STATE_MISSING_PERMISSIONS,
  HealthState.HEALTH_STATE_UNHEALTHY_STATUS,
  HealthState.HEALTH_STATE_CANNOT_CHECK_PERMISSIONS,
];

/** The agent's Prometheus metrics, in a registry of its own (nothing global). */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly tunnelConnects: Counter;
  readonly proxyStreams: Gauge;
  readonly proxyRequests: Counter<"code">;
  readonly proxyDuration: Histogram<"code">;

  constructor(sources: AgentMetricSources) {
    const registers = [this.registry];
    // The event loop's lag sampled every 100 ms, not prom-client's 10: a timer at 100 Hz woke
    // an idle process (each agent of a fleet) a hundred times a second.
    collectDefaultMetrics({
      register: this.registry,
      prefix: "warren_agent_",
      eventLoopMonitoringPrecision: 100,
    });
    new Gauge({
      name: "warren_agent_tunnel_up",
      help: "1 while the tunnel to the hub is up",
      registers,
      collect() {
        this.set(sources.tunnelUp() ? 1 : 0);
      },
    });
    this.tunnelConnects = new Counter({
      name: "warren_agent_tunnel_connects_total",
      help: "times the tunnel to the hub came up",
      registers,
    });
    this.proxyStreams = new Gauge({
      name: "warren_agent_proxy_streams",
      help: "requests from the hub in flight (watches and exec sessions included)",
      registers,
    });
    this.proxyRequests = new Counter({
      name: "warren_agent_proxy_requests_total",
      help: "requests relayed to the API server, by the status it answered",
      labelNames: ["code"],
      registers,
    });
    this.proxyDuration = new Histogram({
      name: "warren_agent_proxy_request_duration_seconds",
      help: "time from the hub's request to the API server's response head",
      labelNames: ["code"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: "warren_agent_cluster_health",
      help: "1 for the cluster's current health state as last checked, 0 for the others",
      labelNames: ["state"],
      registers,
      collect() {
        const current = sources.health()?.state;
        for (const state of HEALTH_STATES)
          this.set({ state: healthStateName(state) }, state === current ? 1 : 0);
      },
    });
    new Gauge({
      name: "warren_agent_certificate_expiry_timestamp_seconds",
      help: "when the agent's certificate from the hub expires (it renews before)",
      registers,
      collect() {
        const pem = sources.certificatePem();
        if (pem) this.set(Date.parse(new X509Certificate(pem).validTo) / 1000);
      },
    });
  }
}
