import { hostPort } from "@warren/config";

import { invalidFlag } from "./errors.js";

export const DEFAULT_HUB_PORT = 3025;

/** host:port, the port defaulting to the hub's API port. */
export function parseHubAddr(text: string): string {
  try {
    const { host, port } = hostPort({ defaultPort: DEFAULT_HUB_PORT })(text);
    return `${host.includes(":") ? `[${host}]` : host}:${String(port)}`;
  } catch (error) {
    throw invalidFlag(`--hub: ${(error as Error).message}`);
  }
}
