import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

import { kubeStatus, warningHeaderValue, type HeaderLine } from "@warren/kube";

import type { KubeRefusal } from "./kube-refusal.js";
import { writeRawResponse } from "./upgrade-relay.js";

/** One kubectl request as the server received it: plain HTTP, or an upgrade (exec, attach…). */
export type KubeExchange =
  | { kind: "http"; req: IncomingMessage; res: ServerResponse }
  | { kind: "upgrade"; req: IncomingMessage; socket: Duplex; head: Buffer };

export const exchangeSocket = (exchange: KubeExchange) =>
  exchange.kind === "http" ? exchange.req.socket : exchange.socket;

/**
 * The one place a refusal becomes what the client reads: a Status object kubectl prints as it
 * prints the API server's own, its message also as a Warning (see warningHeaderValue), with
 * Retry-After when waiting helps. A response already under
 * way can only be cut.
 */
export function writeRefusal(exchange: KubeExchange, refusal: KubeRefusal): void {
  const body = Buffer.from(JSON.stringify(kubeStatus(refusal.httpStatus, refusal.message)));
  const headers: HeaderLine[] = [
    { name: "Content-Type", value: "application/json" },
    // The reason again, where kubectl prints it even when it does not show the Status.
    { name: "Warning", value: warningHeaderValue(refusal.message) },
  ];
  if (refusal.retryAfterSeconds !== undefined)
    headers.push({ name: "Retry-After", value: String(refusal.retryAfterSeconds) });
  if (exchange.kind === "upgrade") {
    writeRawResponse(exchange.socket, refusal.httpStatus, headers, body);
    return;
  }
  const { res } = exchange;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(
    refusal.httpStatus,
    headers.flatMap(({ name, value }) => [name, value]),
  );
  res.end(body);
}
