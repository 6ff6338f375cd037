import type { IncomingMessage, ServerResponse } from "node:http";

import type { HeaderLine } from "@warren/kube";
import type { ResponseHead } from "@warren/proto";

import type { AdmittedKubeRequest } from "./kube-admission.js";
import type { KubeRefusal } from "./kube-refusal.js";
import { endOnAbort } from "./abort-ending.js";
import { jsonWatchEnding, type StreamEnding } from "./stream-ending.js";
import { drainedOrClosed, overWriteAhead } from "@warren/tunnel";
import { openProxyCall, payloadOf, rawHeaders, readResponseHead } from "./proxy-call.js";
import {
  filteredRequestHeaders,
  filteredResponseHeaders,
  responseFilter,
  type BodyFilter,
} from "./object-filtering.js";

function headerOf(head: ResponseHead, name: string): string {
  return head.headers.find((h) => h.name.toLowerCase() === name)?.value ?? "";
}

/** A JSON watch can be ended with a Status event; anything else (protobuf, gzip) is cut. */
function endingFor(admitted: AdmittedKubeRequest, head: ResponseHead): StreamEnding | undefined {
  const json = headerOf(head, "content-type").startsWith("application/json");
  const plain = headerOf(head, "content-encoding") === "";
  return admitted.longRunning && json && plain && head.statusCode === 200
    ? jsonWatchEnding()
    : undefined;
}

/** HTTP/1.1: a request has a body only with a Content-Length above 0 or a Transfer-Encoding. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * Streams one request through the agent and its answer back, chunk by chunk: a watch or
 * logs -f flows as the API server writes it, and a slow client slows only its own stream.
 * `signal` is the request's one cancellation: when it aborts (the client left, or the user's
 * access ended) the agent's call is cancelled, and a refusal ends the answer where the stream
 * allows it. Resolves with the status sent.
 */
export async function relayHttp(
  admitted: AdmittedKubeRequest,
  req: IncomingMessage,
  res: ServerResponse,
  headers: readonly HeaderLine[],
  signal: AbortSignal,
): Promise<number> {
  const bodyless = !admitted.body && !hasBody(req);
  const call = await openProxyCall(
    admitted,
    req.method ?? "GET",
    filteredRequestHeaders(admitted, headers),
    signal,
    bodyless,
  );
  if (!bodyless) {
    const upload = (async () => {
      if (admitted.body) {
        await call.write({ frame: { $case: "body", value: { data: admitted.body } } });
      } else {
        for await (const chunk of req as AsyncIterable<Buffer>)
          await call.write({ frame: { $case: "body", value: { data: chunk } } });
      }
      call.end();
    })();
    upload.catch(() => {
      call.cancel();
    });
  }
  const head = await readResponseHead(call, admitted.route.cluster, signal);
  let filter: BodyFilter | undefined;
  try {
    filter = responseFilter(admitted, head);
  } catch (refusal) {
    call.cancel();
    throw refusal;
  }
  res.writeHead(head.statusCode, rawHeaders(filteredResponseHeaders(head, filter !== undefined)));
  // A stream's headers (a watch, logs -f: no Content-Length) go now, as kubectl waits for them
  // before it prints; an answer of known length sends them with its body, in one write.
  if (admitted.longRunning || !headerOf(head, "content-length")) res.flushHeaders();
  const ending = endingFor(admitted, head);
  const ended = endOnAbort(signal, call, res, (refusal: KubeRefusal) => {
    const closing = ending?.closing(refusal);
    if (closing) res.end(closing);
    else res.destroy();
  });
  try {
    for await (const payload of payloadOf(call)) {
      if (ended.done) break;
      const data = filter
        ? filter.push(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength))
        : payload;
      if (data.length === 0) continue;
      const flowing = res.write(data);
      // Counted as written before any wait: an abort meanwhile must know where the stream is.
      ending?.wrote(data);
      if (overWriteAhead(res, flowing)) await drainedOrClosed(res);
      if (res.destroyed) break;
    }
    if (!ended.done) res.end();
  } catch (error) {
    // Mid-body there is no status to change: cut the connection so the client sees it.
    if (!ended.done) res.destroy(error as Error);
  } finally {
    ended.dispose();
  }
  return head.statusCode;
}
