import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

import { parseKubeStatus, type HeaderLine, requestAttributes } from "@warren/kube";

import { endOnAbort, type AbortEnding } from "./abort-ending.js";
import type { AdmittedKubeRequest } from "./kube-admission.js";
import type { KubeRefusal } from "./kube-refusal.js";
import { openProxyCall, payloadOf, readResponseHead, type ProxyCall } from "./proxy-call.js";
import { webSocketEnding, type StreamEnding } from "./stream-ending.js";
import type { SessionTap } from "../recording/session-tap.js";
import { drainedOrClosed, overWriteAhead } from "@warren/tunnel";

/** Error bodies of refused upgrades are small Status objects; more is not read. */
const MAX_REFUSAL_BODY_BYTES = 256 * 1024;

/** Writes an HTTP/1.1 response by hand: after an upgrade request the socket is ours. */
export function writeRawResponse(
  socket: Duplex,
  code: number,
  headers: readonly HeaderLine[],
  body?: Buffer,
): void {
  const lines = [`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? "Unknown"}`];
  for (const { name, value } of headers) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`, "Connection: close");
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  if (body !== undefined) socket.end(body);
}

/**
 * kubectl ≥ 1.30 execs over WebSocket: an HTTP GET, which RBAC authorizes as `get` on
 * pods/exec. Roles written for SPDY (a POST, `create`) then fail with a bare Forbidden.
 */
function explainForbiddenStream(body: Buffer, req: IncomingMessage, path: string): Buffer {
  const attributes = requestAttributes(req.method ?? "GET", path);
  const streaming = ["pods/exec", "pods/attach", "pods/portforward"].includes(attributes.resource);
  const status = parseKubeStatus(body.toString("utf8"));
  if (!streaming || req.method !== "GET" || status === undefined) return body;
  const hint =
    ` (Warren: kubectl 1.30 and later open ${attributes.resource} over WebSocket, an HTTP GET, so ` +
    `RBAC needs the "get" verb on ${attributes.resource} as well as "create"; add "get" to the ` +
    "Kubernetes Role that grants it)";
  return Buffer.from(JSON.stringify({ ...status, message: status.message + hint }));
}

async function refusedUpgradeBody(call: ProxyCall): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const data of payloadOf(call)) {
    size += data.length;
    if (size > MAX_REFUSAL_BODY_BYTES) break;
    chunks.push(data);
  }
  call.cancel();
  return Buffer.concat(chunks);
}

/** The client's bytes to the agent; the client leaving aborts the request's signal (see kube-server). */
function pipeClientToAgent(socket: Duplex, call: ProxyCall, tap: SessionTap | undefined): void {
  socket.on("data", (data: Buffer) => {
    tap?.fromClient(data);
    socket.pause();
    call.write({ frame: { $case: "upgraded", value: { data } } }).then(
      () => socket.resume(),
      () => socket.destroy(),
    );
  });
  socket.once("end", () => {
    call.end();
  });
}

async function pipeAgentToClient(
  socket: Duplex,
  call: ProxyCall,
  ending: StreamEnding | undefined,
  ended: AbortEnding,
  tap: SessionTap | undefined,
): Promise<void> {
  try {
    for await (const data of payloadOf(call)) {
      if (ended.done) return;
      tap?.fromServer(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      const flowing = socket.write(data);
      // Counted as written before any wait: an abort meanwhile must know where the stream is.
      ending?.wrote(data);
      if (overWriteAhead(socket, flowing)) await drainedOrClosed(socket);
    }
    if (!ended.done) socket.end();
  } catch {
    if (!ended.done) socket.destroy();
  } finally {
    ended.dispose();
  }
}

/** The WebSocket subprotocol the API server chose; undefined for SPDY, which is only cut. */
function webSocketProtocol(headers: readonly HeaderLine[]): string | undefined {
  const upgrade = headers.find((h) => /^upgrade$/i.test(h.name))?.value ?? "";
  if (!/^websocket$/i.test(upgrade)) return undefined;
  return headers.find((h) => /^sec-websocket-protocol$/i.test(h.name))?.value ?? "";
}

/** Starts recording an upgraded session from the API server's 101 answer; throws to refuse it. */
export type RecordingStart = (
  responseHeaders: readonly HeaderLine[],
) => Promise<SessionTap | undefined>;

/** Why the hub ended a session, when it did: the refusal the client was shown. */
const endedBy = (signal: AbortSignal) =>
  signal.aborted && signal.reason instanceof Error ? signal.reason.message : undefined;

/**
 * exec, attach and port-forward: passes the upgrade request to the agent; on 101 the socket
 * and the stream carry raw bytes both ways until either side closes, or `signal` aborts (the
 * user's access ended): then a WebSocket gets the refusal on its error channel and a close
 * frame, and SPDY is cut. With `record`, both directions are recorded as they pass. Resolves
 * with the status the API server answered once it ends.
 */
export async function relayUpgrade(
  admitted: AdmittedKubeRequest,
  req: IncomingMessage,
  socket: Duplex,
  firstBytes: Buffer,
  headers: readonly HeaderLine[],
  signal: AbortSignal,
  record?: RecordingStart,
): Promise<number> {
  const call = await openProxyCall(admitted, req.method ?? "GET", headers, signal);
  if (firstBytes.length > 0)
    await call.write({ frame: { $case: "upgraded", value: { data: firstBytes } } });
  const head = await readResponseHead(call, admitted.route.cluster, signal);
  if (head.statusCode !== 101) {
    const body = explainForbiddenStream(await refusedUpgradeBody(call), req, admitted.route.path);
    const kept = head.headers.filter((h) => !/^content-length$/i.test(h.name));
    writeRawResponse(socket, head.statusCode, kept, body);
    return head.statusCode;
  }
  let tap: SessionTap | undefined;
  try {
    tap = await record?.(head.headers);
  } catch (error) {
    call.cancel();
    throw error;
  }
  tap?.fromClient(firstBytes);
  writeRawResponse(socket, 101, head.headers);
  const protocol = webSocketProtocol(head.headers);
  const ending = protocol === undefined ? undefined : webSocketEnding(protocol);
  const ended = endOnAbort(signal, call, socket, (refusal: KubeRefusal) => {
    const closing = ending?.closing(refusal);
    if (closing) socket.end(closing);
    else socket.destroy();
  });
  pipeClientToAgent(socket, call, tap);
  await pipeAgentToClient(socket, call, ending, ended, tap);
  await tap?.end(endedBy(signal));
  return 101;
}
