import type { IncomingMessage, ServerResponse } from "node:http";

import type { HeaderLine } from "@warren/kube";

import type { AdmittedKubeRequest } from "./kube-admission.js";
import { drainedOrClosed } from "./writable-drained.js";
import { openProxyCall, payloadOf, rawHeaders, readResponseHead } from "./proxy-call.js";

/**
 * Streams one request through the agent and its answer back, chunk by chunk: a watch or
 * logs -f flows as the API server writes it, and a slow client slows only its own stream.
 * Resolves with the status sent.
 */
export async function relayHttp(
  admitted: AdmittedKubeRequest,
  requestId: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: readonly HeaderLine[],
): Promise<number> {
  const call = await openProxyCall(admitted, requestId, req.method ?? "GET", headers);
  res.once("close", () => {
    if (!res.writableFinished) call.cancel();
  });
  const upload = (async () => {
    for await (const chunk of req as AsyncIterable<Buffer>)
      await call.write({ frame: { $case: "body", value: { data: chunk } } });
    call.end();
  })();
  upload.catch(() => {
    call.cancel();
  });
  const head = await readResponseHead(call, admitted.route.cluster);
  res.writeHead(head.statusCode, rawHeaders(head.headers));
  // Headers now, not with the first chunk: kubectl waits for them before a watch prints.
  res.flushHeaders();
  try {
    for await (const data of payloadOf(call)) {
      if (!res.write(data)) await drainedOrClosed(res);
      if (res.destroyed) break;
    }
    res.end();
  } catch (error) {
    // Mid-body there is no status to change: cut the connection so the client sees it.
    res.destroy(error as Error);
  }
  return head.statusCode;
}
