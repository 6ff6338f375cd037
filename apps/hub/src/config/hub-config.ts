import { homedir } from "node:os";
import { join, resolve } from "node:path";

import {
  durationMs,
  hostPort,
  list,
  positiveInteger,
  readYamlFile,
  resolveOptions,
  string,
  type HostPort,
  type OptionSpec,
  type ResolvedOptions,
} from "@warren/config";
import { LOG_LEVEL_OPTION } from "@warren/cli";

import { loginOptionSpecs } from "./login-options.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The default data directory: $XDG_DATA_HOME/warren, else ~/.local/share/warren. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "warren");
}

export const DEFAULT_API_PORT = 3025;
export const DEFAULT_TUNNEL_PORT = 3024;
export const DEFAULT_KUBE_PORT = 3026;
export const DEFAULT_METRICS_PORT = 3027;

const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A lower-case DNS name, as a TLS server name must be. */
function dnsName(raw: unknown): string {
  const value = string(raw).trim();
  if (!DNS_NAME.test(value) || value.length > 200) {
    throw new Error(
      `${JSON.stringify(value)} is not a DNS name (lower-case letters, digits, '-' and '.')`,
    );
  }
  return value;
}

/** Every option of `warren-hub start`: config file field, flag, environment variable. */
export function hubOptionSpecs(env: NodeJS.ProcessEnv) {
  return {
    dataDir: {
      field: "data_dir",
      flag: "data-dir",
      env: "WARREN_DATA_DIR",
      parse: (raw) => resolve(string(raw)),
      default: () => defaultDataDir(env),
      description: "where the hub keeps its database and the admin profile",
    } satisfies OptionSpec<string>,
    storeUrl: {
      field: "store_url",
      flag: "store-url",
      env: "WARREN_STORE_URL",
      parse: (raw) => string(raw),
      default: (): string | undefined => undefined,
      description:
        "postgres://user@host/db for several replicas on one database; else an SQLite file " +
        "(default: hub.db in the data directory)",
    } satisfies OptionSpec<string | undefined>,
    storePasswordFile: {
      field: "store_password_file",
      flag: "store-password-file",
      env: "WARREN_STORE_PASSWORD_FILE",
      parse: (raw) => resolve(string(raw)),
      default: (): string | undefined => undefined,
      description: "a file holding the PostgreSQL password (keeps it out of the URL)",
    } satisfies OptionSpec<string | undefined>,
    replicaHeartbeatIntervalMs: {
      field: "replica_heartbeat_interval",
      env: "WARREN_HUB_REPLICA_HEARTBEAT_INTERVAL",
      parse: durationMs,
      default: () => 3000,
      description:
        "how often a replica says in the store that it is alive; 3 missed and it is gone",
    } satisfies OptionSpec<number>,
    listenAddr: {
      field: "listen_addr",
      flag: "listen-addr",
      env: "WARREN_HUB_LISTEN_ADDR",
      parse: hostPort({ allowPortZero: true, defaultPort: DEFAULT_API_PORT }),
      default: () => ({ host: "0.0.0.0", port: DEFAULT_API_PORT }),
      description: `host:port for joins and the admin API (TLS); port 0 picks a free one`,
    } satisfies OptionSpec<HostPort>,
    publicAddrs: {
      field: "public_addr",
      flag: "public-addr",
      env: "WARREN_HUB_PUBLIC_ADDR",
      parse: list(hostPort({ defaultPort: DEFAULT_API_PORT })),
      default: () => [],
      description: "addresses agents and people reach the hub at (comma-separated host[:port])",
    } satisfies OptionSpec<HostPort[]>,
    tunnelListenAddr: {
      field: "tunnel_listen_addr",
      flag: "tunnel-listen-addr",
      env: "WARREN_HUB_TUNNEL_LISTEN_ADDR",
      parse: hostPort({ allowPortZero: true, defaultPort: DEFAULT_TUNNEL_PORT }),
      default: () => ({ host: "0.0.0.0", port: DEFAULT_TUNNEL_PORT }),
      description: "host:port for agents' SSH tunnels; port 0 picks a free one",
    } satisfies OptionSpec<HostPort>,
    tunnelPublicAddr: {
      field: "tunnel_public_addr",
      flag: "tunnel-public-addr",
      env: "WARREN_HUB_TUNNEL_PUBLIC_ADDR",
      parse: (raw) => hostPort({ defaultPort: DEFAULT_TUNNEL_PORT })(raw),
      default: (): HostPort | undefined => undefined,
      description: "address agents dial for the tunnel (default: the first public address's host)",
    } satisfies OptionSpec<HostPort | undefined>,
    kubeListenAddr: {
      field: "kube_listen_addr",
      flag: "kube-listen-addr",
      env: "WARREN_HUB_KUBE_LISTEN_ADDR",
      parse: hostPort({ allowPortZero: true, defaultPort: DEFAULT_KUBE_PORT }),
      default: () => ({ host: "0.0.0.0", port: DEFAULT_KUBE_PORT }),
      description: "host:port of the kube endpoint kubectl talks to (HTTPS); port 0 picks one",
    } satisfies OptionSpec<HostPort>,
    kubePublicAddr: {
      field: "kube_public_addr",
      flag: "kube-public-addr",
      env: "WARREN_HUB_KUBE_PUBLIC_ADDR",
      parse: (raw) => hostPort({ defaultPort: DEFAULT_KUBE_PORT })(raw),
      default: (): HostPort | undefined => undefined,
      description: "address kubeconfigs point at (default: the first public address's host)",
    } satisfies OptionSpec<HostPort | undefined>,
    hubName: {
      field: "hub_name",
      flag: "hub-name",
      env: "WARREN_HUB_NAME",
      parse: dnsName,
      default: (): string | undefined => undefined,
      description:
        "the hub's name: kubeconfig contexts are <hub name>-<cluster> " +
        "(default: the kube or first public address's host name)",
    } satisfies OptionSpec<string | undefined>,
    operatorServiceAccount: {
      field: "operator_service_account",
      env: "WARREN_HUB_OPERATOR_SERVICE_ACCOUNT",
      parse: (raw) => {
        const text = String(raw);
        if (!/^[a-z0-9-]+:[a-z0-9.-]+$/.test(text)) throw new Error('expected "namespace:name"');
        return text;
      },
      default: (): string | undefined => undefined,
      description:
        "namespace:name of warren-operator's ServiceAccount in the hub's own cluster: the hub " +
        "keeps a provision token warren-operator (in_cluster) that lets it join (the hub chart " +
        "sets it with operator.enabled)",
    } satisfies OptionSpec<string | undefined>,
    kubeServerName: {
      field: "kube_server_name",
      env: "WARREN_HUB_KUBE_SERVER_NAME",
      parse: dnsName,
      default: () => "kube.warren.internal",
      description:
        "kubeconfigs reach cluster C with tls-server-name C.<this>; the kube certificate " +
        "covers *.<this> (no DNS needed)",
    } satisfies OptionSpec<string>,
    metricsListenAddr: {
      field: "metrics_listen_addr",
      flag: "metrics-listen-addr",
      env: "WARREN_HUB_METRICS_LISTEN_ADDR",
      parse: hostPort({ allowPortZero: true, defaultPort: DEFAULT_METRICS_PORT }),
      default: () => ({ host: "0.0.0.0", port: DEFAULT_METRICS_PORT }),
      description: "host:port of /metrics and /healthz (plain HTTP); port 0 picks one",
    } satisfies OptionSpec<HostPort>,
    userCertificateTtlMs: {
      field: "user_certificate_ttl",
      parse: durationMs,
      default: () => 8 * HOUR_MS,
      description: "lifetime of a kubeconfig's certificate when --ttl is not given",
    } satisfies OptionSpec<number>,
    userCertificateMaxTtlMs: {
      field: "user_certificate_max_ttl",
      parse: durationMs,
      default: () => 30 * HOUR_MS,
      description: "the longest a kubeconfig's certificate may live; longer requests are capped",
    } satisfies OptionSpec<number>,
    tunnelKeepaliveIntervalMs: {
      field: "tunnel_keepalive_interval",
      env: "WARREN_HUB_TUNNEL_KEEPALIVE_INTERVAL",
      parse: durationMs,
      default: () => 5000,
      description: "how often the hub pings each tunnel",
    } satisfies OptionSpec<number>,
    tunnelKeepaliveTimeoutMs: {
      field: "tunnel_keepalive_timeout",
      env: "WARREN_HUB_TUNNEL_KEEPALIVE_TIMEOUT",
      parse: durationMs,
      default: () => 15_000,
      description: "a tunnel silent this long is closed as dead",
    } satisfies OptionSpec<number>,
    heartbeatIntervalMs: {
      field: "heartbeat_interval",
      flag: "heartbeat-interval",
      env: "WARREN_HUB_HEARTBEAT_INTERVAL",
      parse: durationMs,
      default: () => 10_000,
      description: "how often agents report their cluster's health",
    } satisfies OptionSpec<number>,
    agentCertificateTtlMs: {
      field: "agent_certificate_ttl",
      env: "WARREN_HUB_AGENT_CERTIFICATE_TTL",
      parse: durationMs,
      default: () => DAY_MS,
      description: "lifetime of agent certificates; agents renew at two thirds of it",
    } satisfies OptionSpec<number>,
    adminCertificateTtlMs: {
      field: "admin_certificate_ttl",
      parse: durationMs,
      default: () => 90 * DAY_MS,
      description: "lifetime of the admin profile's certificate; renewed at hub start",
    } satisfies OptionSpec<number>,
    adminLoginTtlMs: {
      field: "admin_login_ttl",
      parse: durationMs,
      default: () => 12 * HOUR_MS,
      description: "lifetime of certificates from `warrenctl auth login` (admin tokens)",
    } satisfies OptionSpec<number>,
    tokenTtlMs: {
      field: "token_ttl",
      parse: durationMs,
      default: () => HOUR_MS / 2,
      description: "how long a join token lives unless `tokens add --ttl` says otherwise",
    } satisfies OptionSpec<number>,
    tlsHandshakeTimeoutMs: {
      field: "tls_handshake_timeout",
      env: "WARREN_HUB_TLS_HANDSHAKE_TIMEOUT",
      parse: durationMs,
      default: () => 10_000,
      description: "a TLS handshake on the API or kube port not done in this long is dropped",
    } satisfies OptionSpec<number>,
    auditRetentionMs: {
      field: "audit_retention",
      env: "WARREN_HUB_AUDIT_RETENTION",
      parse: durationMs,
      default: () => 90 * DAY_MS,
      description: "how long audit events are kept; older ones are pruned hourly",
    } satisfies OptionSpec<number>,
    sessionRecordingRetentionMs: {
      field: "session_recording_retention",
      env: "WARREN_HUB_SESSION_RECORDING_RETENTION",
      parse: durationMs,
      default: () => 90 * DAY_MS,
      description: "how long recordings of exec and attach sessions are kept; pruned hourly",
    } satisfies OptionSpec<number>,
    kubeMaxInFlightPerUser: {
      field: "kube_max_in_flight_per_user",
      env: "WARREN_HUB_KUBE_MAX_IN_FLIGHT_PER_USER",
      parse: positiveInteger(100_000),
      default: () => 256,
      description: "kubectl requests one user may have in flight (watches included); more get 429",
    } satisfies OptionSpec<number>,
    tokenMaxTtlMs: {
      field: "token_max_ttl",
      parse: durationMs,
      default: () => 7 * DAY_MS,
      description: "the longest --ttl a join token may ask for",
    } satisfies OptionSpec<number>,
    ...loginOptionSpecs(),
    logLevel: LOG_LEVEL_OPTION,
  };
}

export type HubConfig = ResolvedOptions<ReturnType<typeof hubOptionSpecs>>;

export interface HubConfigInputs {
  flags: Readonly<Record<string, string | boolean | undefined>>;
  env: NodeJS.ProcessEnv;
  /** --config FILE or WARREN_HUB_CONFIG. */
  configPath?: string;
}

export async function loadHubConfig(inputs: HubConfigInputs): Promise<HubConfig> {
  const file = inputs.configPath ? await readYamlFile(inputs.configPath) : undefined;
  return resolveOptions(hubOptionSpecs(inputs.env), { flags: inputs.flags, env: inputs.env, file });
}
