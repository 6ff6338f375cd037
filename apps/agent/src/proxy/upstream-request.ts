import { request as httpRequest, type ClientRequest } from "node:http";
import { Agent, request as httpsRequest } from "node:https";

import { forwardableHeaders, isUpgradeRequest } from "@warren/kube";
import type { RequestHead } from "@warren/proto";

import type { KubeTarget } from "./kube-target.js";

type OutgoingHeaders = Record<string, string | string[]>;

/**
 * The headers the API server sees: the client's, minus credentials and Impersonate-*; then the
 * agent's own token, and the identity the hub resolved from the user's roles, one
 * Impersonate-Group line per group (a comma-joined line would be read as one group).
 */
export async function upstreamHeaders(
  head: RequestHead,
  target: KubeTarget,
): Promise<OutgoingHeaders> {
  const upgrade = isUpgradeRequest(head.headers);
  const headers: OutgoingHeaders = {};
  for (const { name, value } of forwardableHeaders(head.headers, upgrade)) {
    const existing = headers[name];
    headers[name] =
      existing === undefined
        ? value
        : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const token = await target.bearerToken();
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  headers["Impersonate-User"] = head.impersonation?.user ?? "";
  const groups = head.impersonation?.groups ?? [];
  if (groups.length > 0) headers["Impersonate-Group"] = groups;
  return headers;
}

/**
 * Sends requests to one API server, reusing TLS connections, with at most `maxRequests` open
 * at once: a request past that is refused at once rather than queued behind watches that may
 * never end.
 */
export class UpstreamClient {
  private readonly agent: Agent;
  private open = 0;

  constructor(
    readonly target: KubeTarget,
    readonly maxRequests: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: maxRequests, ...target.tls });
  }

  /** A place for one more request, released by the returned function; undefined when full. */
  admit(): (() => void) | undefined {
    if (this.open >= this.maxRequests) return undefined;
    this.open++;
    let released = false;
    return () => {
      if (!released) this.open--;
      released = true;
    };
  }

  /**
   * A user's request, as the identity the hub resolved (see upstreamHeaders); `signal` (the
   * hub's call) destroys it whenever the hub cancels, even before it is sent.
   */
  async request(head: RequestHead, signal: AbortSignal): Promise<ClientRequest> {
    const headers = await upstreamHeaders(head, this.target);
    signal.throwIfAborted();
    return this.send(head.method, head.path, headers, signal);
  }

  /** A request as the agent itself (its own token, nobody impersonated): its health checks. */
  async requestAsAgent(
    method: string,
    path: string,
    headers: OutgoingHeaders,
  ): Promise<ClientRequest> {
    const token = await this.target.bearerToken();
    const own = token === undefined ? headers : { ...headers, Authorization: `Bearer ${token}` };
    return this.send(method, path, own);
  }

  private send(
    method: string,
    path: string,
    headers: OutgoingHeaders,
    signal?: AbortSignal,
  ): ClientRequest {
    const { url } = this.target;
    const base = url.pathname.replace(/\/$/, "");
    const options = {
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      method,
      path: `${base}${path}`,
      headers,
      ...(signal ? { signal } : {}),
    };
    return url.protocol === "https:"
      ? httpsRequest({ ...options, agent: this.agent })
      : httpRequest(options);
  }

  close(): void {
    this.agent.destroy();
  }
}
