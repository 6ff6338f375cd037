import type { UpstreamClient } from "../proxy/upstream-request.js";

export interface OwnResponse {
  status: number;
  body: string;
}

/** At most this much of a response body is kept: enough for a Status or /readyz?verbose. */
const MAX_BODY_BYTES = 64 * 1024;
const TIMEOUT_MS = 10_000;

/**
 * A request to the API server as the agent itself (its own token, no impersonation), for its
 * health checks, on the same connections as the requests it relays. Rejects only when no
 * HTTP answer came (the "cannot contact" case).
 */
export async function ownRequest(
  upstream: UpstreamClient,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<OwnResponse> {
  const headers: Record<string, string> = { accept: "application/json, */*" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const req = await upstream.requestAsAgent(method, path, headers);
  return new Promise((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => {
        if (text.length < MAX_BODY_BYTES) text += chunk;
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: text });
      });
      res.on("error", reject);
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
