import { resolve } from "node:path";

import {
  boolean,
  durationMs,
  hostPort,
  positiveInteger,
  resolveOptions,
  string,
  formatHostPort,
  type OptionSpec,
  type ResolvedOptions,
} from "@warren/config";
import { parseLabels, validateClusterName, type Labels } from "@warren/identity";
import { LOG_LEVEL_OPTION } from "@warren/cli";
import { parseCaPin } from "@warren/pki";
import type { AgentPlacement } from "@warren/proto";

const none = () => undefined;

/** Every option of warren-agent, by flag and by the environment the Helm chart sets. */
export function agentOptionSpecs() {
  return {
    hubAddr: {
      field: "hub_addr",
      flag: "hub-addr",
      env: "WARREN_HUB_ADDR",
      parse: (raw) => formatHostPort(hostPort({ defaultPort: 3025 })(raw)),
      description: "the hub's join address, host:port",
    } satisfies OptionSpec<string>,
    token: {
      field: "token",
      flag: "token",
      env: "WARREN_JOIN_TOKEN",
      parse: string,
      description: "join token, needed only until the agent has an identity",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    tokenFile: {
      field: "token_file",
      flag: "token-file",
      env: "WARREN_JOIN_TOKEN_FILE",
      parse: (raw) => resolve(string(raw)),
      description: "file holding the join token (read at every join attempt)",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    provisionToken: {
      field: "provision_token",
      flag: "provision-token",
      env: "WARREN_PROVISION_TOKEN",
      parse: string,
      description:
        "join by a provision token of this name (join_method: kubernetes): the token file then " +
        "holds a projected ServiceAccount token for the hub's audience",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    clusterName: {
      field: "cluster_name",
      flag: "cluster-name",
      env: "WARREN_CLUSTER_NAME",
      parse: (raw) => validateClusterName(string(raw)),
      description: "the name users reach this cluster by",
    } satisfies OptionSpec<string>,
    labels: {
      field: "labels",
      flag: "labels",
      env: "WARREN_LABELS",
      parse: (raw) => parseLabels(String(raw)),
      default: (): Labels => ({}),
      description:
        "the cluster's labels, k=v,…: asked for when the join creates the cluster, and kept in " +
        "step after (a chart upgrade), under the keys the join token allows",
    } satisfies OptionSpec<Labels>,
    caPin: {
      field: "ca_pin",
      flag: "ca-pin",
      env: "WARREN_CA_PIN",
      parse: (raw) => parseCaPin(string(raw)),
      description: "sha256:HEX pin of the hub's CA, checked before the first join",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    podName: {
      field: "pod_name",
      env: "POD_NAME",
      parse: string,
      description: "with POD_NAMESPACE: keep the identity in the Secret <POD_NAME>-state",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    podNamespace: {
      field: "pod_namespace",
      env: "POD_NAMESPACE",
      parse: string,
      description: "the namespace of that Secret",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    statefulSet: {
      field: "stateful_set",
      env: "WARREN_STATEFULSET",
      parse: string,
      description: "the StatefulSet the agent runs in (the chart sets it), for doctor's fixes",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    helmRelease: {
      field: "helm_release",
      env: "WARREN_HELM_RELEASE",
      parse: string,
      description: "the Helm release that installed the agent (the chart sets it)",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    chartVersion: {
      field: "chart_version",
      env: "WARREN_CHART_VERSION",
      parse: string,
      description: "the kube-agent chart's version (the chart sets it)",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    stateDir: {
      field: "state_dir",
      flag: "state-dir",
      env: "WARREN_STATE_DIR",
      parse: (raw) => resolve(string(raw)),
      description: "outside Kubernetes: directory for the identity",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    kubeconfig: {
      field: "kubeconfig",
      flag: "kubeconfig",
      env: "KUBECONFIG",
      parse: (raw) => resolve(string(raw)),
      description: "kubeconfig for the cluster (default: in-cluster ServiceAccount)",
      default: none,
    } satisfies OptionSpec<string | undefined>,
    diagnosticsAddr: {
      field: "diagnostics_addr",
      flag: "diagnostics-addr",
      env: "WARREN_DIAGNOSTICS_ADDR",
      parse: hostPort({ allowPortZero: true, defaultPort: 3000 }),
      default: () => ({ host: "0.0.0.0", port: 3000 }),
      description: "where /healthz and /readyz are served, host:port",
    } satisfies OptionSpec<{ host: string; port: number }>,
    autoRejoin: {
      field: "auto_rejoin",
      env: "WARREN_AUTO_REJOIN",
      parse: boolean,
      default: () => true,
      description: "re-join with the join token when the hub's CA changed (--no-auto-rejoin)",
    } satisfies OptionSpec<boolean>,
    checkIntervalMs: {
      field: "check_interval",
      env: "WARREN_CHECK_INTERVAL",
      parse: durationMs,
      default: () => 30_000,
      description: "how often to confirm the hub still recognises this agent",
    } satisfies OptionSpec<number>,
    healthCheckIntervalMs: {
      field: "health_check_interval",
      env: "WARREN_HEALTH_CHECK_INTERVAL",
      parse: durationMs,
      default: () => 30_000,
      description: "how often to check the cluster's health (/readyz and permissions)",
    } satisfies OptionSpec<number>,
    tunnelKeepaliveIntervalMs: {
      field: "tunnel_keepalive_interval",
      env: "WARREN_TUNNEL_KEEPALIVE_INTERVAL",
      parse: durationMs,
      default: () => 5000,
      description: "how often to send keepalives through the tunnel",
    } satisfies OptionSpec<number>,
    tunnelKeepaliveTimeoutMs: {
      field: "tunnel_keepalive_timeout",
      env: "WARREN_TUNNEL_KEEPALIVE_TIMEOUT",
      parse: durationMs,
      default: () => 15_000,
      description: "a tunnel silent this long is dead, and redialled",
    } satisfies OptionSpec<number>,
    upstreamMaxRequests: {
      field: "upstream_max_requests",
      env: "WARREN_UPSTREAM_MAX_REQUESTS",
      parse: positiveInteger(100_000),
      default: () => 1024,
      description: "requests open to the API server at once (watches included); more get 429",
    } satisfies OptionSpec<number>,
    benchRpcs: {
      field: "bench_rpcs",
      env: "WARREN_BENCH_RPCS",
      parse: boolean,
      default: () => false,
      description: "serve the tunnel benchmark's Echo and Download calls (npm run bench)",
    } satisfies OptionSpec<boolean>,
    shutdownGraceMs: {
      field: "shutdown_grace",
      env: "WARREN_SHUTDOWN_GRACE",
      parse: durationMs,
      default: () => 10_000,
      description: "on SIGTERM, how long running requests get to finish",
    } satisfies OptionSpec<number>,
    logLevel: LOG_LEVEL_OPTION,
  };
}

export type AgentConfig = ResolvedOptions<ReturnType<typeof agentOptionSpecs>>;

export function loadAgentConfig(
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: NodeJS.ProcessEnv,
): AgentConfig {
  const config = resolveOptions(agentOptionSpecs(), { flags, env });
  // A boolean flag that only ever turns the default off: --no-auto-rejoin.
  return flags["no-auto-rejoin"] === true ? { ...config, autoRejoin: false } : config;
}

/** Where the agent runs, as its chart says: sent with its join and heartbeats. */
export function placementOf(config: AgentConfig): AgentPlacement {
  return {
    namespace: config.podNamespace ?? "",
    pod: config.podName ?? "",
    statefulSet: config.statefulSet ?? "",
    helmRelease: config.helmRelease ?? "",
    chartVersion: config.chartVersion ?? "",
  };
}
