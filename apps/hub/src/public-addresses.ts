import { hostname } from "node:os";

import { formatHostPort, type HostPort } from "@warren/config";

const WILDCARDS = new Set(["0.0.0.0", "::", ""]);

export const isWildcard = (host: string) => WILDCARDS.has(host);

/** Where others reach the hub: as configured, else the bound address (or this host's name). */
export function publicAddresses(configured: readonly HostPort[], bound: HostPort): HostPort[] {
  if (configured.length > 0) return [...configured];
  return [{ host: isWildcard(bound.host) ? hostname() : bound.host, port: bound.port }];
}

/** Where a client on this machine reaches a listener bound to `bound`. */
export function localAddress(bound: HostPort): string {
  const host = bound.host === "::" ? "::1" : isWildcard(bound.host) ? "127.0.0.1" : bound.host;
  return formatHostPort({ host, port: bound.port });
}

/** Every name the serving certificate must cover. */
export function serverNames(configured: readonly HostPort[], listen: HostPort): string[] {
  const names = [
    ...configured.map((addr) => addr.host),
    ...(isWildcard(listen.host) ? [hostname()] : [listen.host]),
    "localhost",
    "127.0.0.1",
    "::1",
  ];
  return [...new Set(names)];
}
