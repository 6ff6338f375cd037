import { readFile } from "node:fs/promises";

import type { KubeConfig } from "@kubernetes/client-node";
import { StartedParts } from "@warren/cli";
import { formatHostPort } from "@warren/config";
import { HealthState, healthStateName, type ClusterHealth } from "@warren/proto";
import { errorFields, type Logger } from "@warren/log";

import { placementOf, type AgentConfig } from "./config/agent-config.js";
import { AgentError, AgentErrorCode } from "./errors.js";
import { AgentMetrics } from "./diagnostics/agent-metrics.js";
import { startDiagnosticsServer, type Readiness } from "./diagnostics/diagnostics-server.js";
import { HealthMonitor } from "./health/health-monitor.js";
import { AuthorityFollower } from "./identity/authority-follower.js";
import { IdentityKeeper } from "./identity/identity-keeper.js";
import { GrpcHubApi } from "./join/hub-api.js";
import { createAgentGrpcServer } from "./service/agent-service.js";
import { kubeTargetFrom } from "./proxy/kube-target.js";
import { UpstreamClient } from "./proxy/upstream-request.js";
import { createStateStore, loadKubeConfig } from "./state/create-state-store.js";
import { TunnelPool } from "./tunnel/tunnel-pool.js";
import { AGENT_VERSION } from "./version.js";

export interface Agent {
  /**
   * Resolves once the agent has an identity and runs; rejects if its diagnostics port cannot
   * be bound (a user error), otherwise only on a bug.
   */
  readonly ready: Promise<void>;
  /** Graceful: no new requests, running ones get the configured grace, then everything stops. */
  stop(): Promise<void>;
}

function tokenReader(config: AgentConfig, logger: Logger): () => Promise<string | undefined> {
  const { tokenFile, token } = config;
  if (tokenFile === undefined) return () => Promise.resolve(token);
  return async () => {
    try {
      const text = (await readFile(tokenFile, "utf8")).trim();
      return text === "" ? undefined : text;
    } catch (error) {
      logger.warn({ tokenFile, ...errorFields(error) }, "cannot read the join token file");
      return undefined;
    }
  };
}

/** The cluster requests go to: --kubeconfig, else the pod's own, else none. */
function clusterConfig(config: AgentConfig): KubeConfig | undefined {
  const inCluster = process.env.KUBERNETES_SERVICE_HOST !== undefined;
  if (config.kubeconfig === undefined && !inCluster) return undefined;
  return loadKubeConfig(config);
}

function readiness(joined: boolean, tunnelUp: boolean, health?: ClusterHealth): Readiness {
  if (!joined) return { ready: false, reason: "not joined: waiting for an identity from the hub" };
  if (!tunnelUp) return { ready: false, reason: "no tunnel to the hub: connecting" };
  // Not yet checked counts as fine: the first check must not hold back a ready agent.
  if (health && health.state !== HealthState.HEALTH_STATE_HEALTHY)
    return { ready: false, reason: `cluster ${healthStateName(health.state)}: ${health.reason}` };
  return { ready: true, reason: "ready: joined, tunnel up" };
}

export function startAgent(config: AgentConfig, logger: Logger): Agent {
  const store = createStateStore(config);
  const identity = new IdentityKeeper({
    store,
    hub: new GrpcHubApi({
      hubAddr: config.hubAddr,
      caPin: config.caPin,
      agentVersion: AGENT_VERSION,
      provisionToken: config.provisionToken,
      placement: placementOf(config),
    }),
    logger: logger.child("identity"),
    hubAddr: config.hubAddr,
    clusterName: config.clusterName,
    labels: config.labels,
    caPin: config.caPin,
    autoRejoin: config.autoRejoin,
    checkIntervalMs: config.checkIntervalMs,
    readToken: tokenReader(config, logger),
    // Bound late: the follower needs the keeper, and is made just below.
    followTrust: (caCertificatesPem: readonly string[]): Promise<void> =>
      follower.trustBundle(caCertificatesPem),
  });
  const follower: AuthorityFollower = new AuthorityFollower(identity, logger.child("identity"));
  const kubeConfig = clusterConfig(config);
  const upstream =
    kubeConfig && new UpstreamClient(kubeTargetFrom(kubeConfig), config.upstreamMaxRequests);
  const monitor =
    upstream && new HealthMonitor(upstream, logger.child("health"), config.healthCheckIntervalMs);
  const metrics = new AgentMetrics({
    // Read at scrape time, once the tunnel keeper below exists.
    tunnelUp: () => tunnel.connected,
    health: () => monitor?.health,
    certificatePem: () => identity.identity?.certificatePem,
  });
  const server = createAgentGrpcServer({
    agentVersion: AGENT_VERSION,
    placement: placementOf(config),
    labels: config.labels,
    logger: logger.child("service"),
    upstream,
    health: monitor,
    metrics,
    benchRpcs: config.benchRpcs,
    onHubReplicas: (replicas) => {
      tunnel.setReplicas(replicas);
    },
    onCertificateAuthorities: (update) => follower.follow(update),
  });
  const tunnel = new TunnelPool(
    {
      identity,
      server,
      keepaliveIntervalMs: config.tunnelKeepaliveIntervalMs,
      keepaliveTimeoutMs: config.tunnelKeepaliveTimeoutMs,
      onUp: () => {
        metrics.tunnelConnects.inc();
      },
    },
    logger.child("tunnel"),
  );
  logger.info(
    {
      version: AGENT_VERSION,
      hubAddr: config.hubAddr,
      cluster: config.clusterName,
      store: store.description,
    },
    "agent starting",
  );
  let joined = false;
  // One owner: each part is registered as it starts and stopped in reverse, by stop() or by
  // a start that failed half-way (the diagnostics port taken, say).
  const owner = new StartedParts(logger);
  const ready = owner.starting(async () => {
    if (upstream)
      owner.started("upstream connections", () => {
        upstream.close();
      });
    if (monitor) {
      monitor.start();
      owner.started("health checks", () => {
        monitor.stop();
      });
    }
    // Registered before it waits: a stop while the agent waits for a token or a hub ends it.
    owner.started("identity", () => identity.stop());
    const diagnostics = await startDiagnosticsServer(
      config.diagnosticsAddr,
      () => readiness(joined, tunnel.connected, monitor?.health),
      metrics.registry,
    );
    owner.started("diagnostics", () => diagnostics.close());
    const addr = formatHostPort({ host: config.diagnosticsAddr.host, port: diagnostics.port });
    logger.info({ addr }, "diagnostics listening");
    const state = await identity.establish();
    if (owner.stopped) {
      // Its identity came as the agent was stopped: start nothing more.
      throw new AgentError(AgentErrorCode.StateUnavailable, "stopped before the agent was ready");
    }
    joined = true;
    identity.start();
    tunnel.start();
    owner.started("tunnels", () => tunnel.stop());
    // Stopped before the tunnels: the hub is told (GOAWAY) and running calls get the grace.
    owner.started("hub calls", (graceMs) => server.shutdown(graceMs));
    logger.info(
      { agentId: state.agentId, cluster: state.clusterName, hubAddr: config.hubAddr },
      "agent ready",
    );
  });
  return {
    ready,
    stop: async () => {
      await owner.stop(config.shutdownGraceMs);
      logger.info({}, "agent stopped");
    },
  };
}
