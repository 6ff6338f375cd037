import { hostname } from "node:os";
import { resolve } from "node:path";

import { LOG_LEVEL_OPTION } from "@warren/cli";
import {
  durationMs,
  formatHostPort,
  hostPort,
  resolveOptions,
  string,
  type OptionSpec,
  type ResolvedOptions,
} from "@warren/config";
import { parseCaPin } from "@warren/pki";

const none = () => undefined;

/** Every option of warren-operator, by flag and by the environment its Helm chart sets. */
export function operatorOptionSpecs() {
  return {
    hubAddr: {
      field: "hub_addr",
      flag: "hub-addr",
      env: "WARREN_HUB_ADDR",
      parse: (raw) => formatHostPort(hostPort({ defaultPort: 3025 })(raw)),
      description: "the hub's API address, host:port",
    } satisfies OptionSpec<string>,
    caPin: {
      field: "ca_pin",
      flag: "ca-pin",
      env: "WARREN_CA_PIN",
      parse: (raw) => parseCaPin(string(raw)),
      default: none,
      description:
        "sha256:… of the hub's CA (warrenctl status prints it), checked before joining; " +
        "without it the first join trusts the CA the hub presents",
    } satisfies OptionSpec<string | undefined>,
    provisionToken: {
      field: "provision_token",
      flag: "provision-token",
      env: "WARREN_PROVISION_TOKEN",
      parse: string,
      default: () => "warren-operator",
      description: "the provision token (join_method: kubernetes, type: admin) to join with",
    } satisfies OptionSpec<string>,
    tokenFile: {
      field: "token_file",
      flag: "token-file",
      env: "WARREN_JOIN_TOKEN_FILE",
      parse: (raw) => resolve(string(raw)),
      default: () => "/var/run/secrets/warren/token",
      description:
        "the projected ServiceAccount token (audience: the hub's name), read at each join",
    } satisfies OptionSpec<string>,
    namespace: {
      field: "namespace",
      flag: "namespace",
      env: "POD_NAMESPACE",
      parse: string,
      description: "the namespace whose custom resources this operator reconciles (its own)",
    } satisfies OptionSpec<string>,
    identity: {
      field: "identity",
      flag: "identity",
      env: "POD_NAME",
      parse: string,
      default: () => hostname(),
      description: "this replica's name in the leader election Lease",
    } satisfies OptionSpec<string>,
    kubeconfig: {
      field: "kubeconfig",
      flag: "kubeconfig",
      env: "KUBECONFIG",
      parse: (raw) => resolve(string(raw)),
      default: none,
      description: "kubeconfig to reach Kubernetes with (default: the pod's ServiceAccount)",
    } satisfies OptionSpec<string | undefined>,
    resyncPeriodMs: {
      field: "resync_period",
      flag: "resync-period",
      env: "WARREN_RESYNC_PERIOD",
      parse: durationMs,
      default: () => 60_000,
      description: "how often every resource is compared with the hub (restores drift)",
    } satisfies OptionSpec<number>,
    leaseName: {
      field: "leader_election_id",
      flag: "leader-election-id",
      env: "WARREN_LEADER_ELECTION_ID",
      parse: string,
      default: () => "warren-operator",
      description: "the coordination.k8s.io Lease replicas elect a leader with",
    } satisfies OptionSpec<string>,
    leaseDurationMs: {
      field: "lease_duration",
      flag: "lease-duration",
      env: "WARREN_LEASE_DURATION",
      parse: durationMs,
      default: () => 15_000,
      description: "how long a leader that stopped renewing keeps the lease",
    } satisfies OptionSpec<number>,
    logLevel: LOG_LEVEL_OPTION,
  };
}

export type OperatorConfig = ResolvedOptions<ReturnType<typeof operatorOptionSpecs>>;

export function loadOperatorConfig(
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: NodeJS.ProcessEnv,
): OperatorConfig {
  return resolveOptions(operatorOptionSpecs(), { flags, env });
}
