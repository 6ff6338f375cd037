import { hostname } from "node:os";

import { formatHostPort, type HostPort } from "@warren/config";

import type { HubConfig } from "./config/hub-config.js";
import { resolveHubName, type KubeNames } from "./kube/kube-names.js";
import { isWildcard, localAddress, publicAddresses } from "./public-addresses.js";

/** The hub's name (configured, else the host people reach it at) and its kube server name. */
export function hubKubeNames(config: HubConfig): KubeNames {
  const publicHost =
    (config.kubePublicAddr ?? config.publicAddrs[0])?.host ??
    (isWildcard(config.listenAddr.host) ? hostname() : config.listenAddr.host);
  return {
    hubName: resolveHubName(config.hubName, publicHost),
    kubeServerName: config.kubeServerName,
  };
}

/** What the hub's addresses are, once its listeners have bound. */
export interface Addresses {
  api: string;
  join: string;
  publicAddrs: HostPort[];
}

export function addresses(config: HubConfig, apiPort: number): Addresses {
  const bound = { host: config.listenAddr.host, port: apiPort };
  const publicAddrs = publicAddresses(config.publicAddrs, bound);
  return { api: localAddress(bound), join: formatHostPort(publicAddrs[0] ?? bound), publicAddrs };
}
