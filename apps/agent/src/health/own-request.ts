import { request, type Agent } from "node:https";
import { request as httpRequest } from "node:http";

import type { KubeTarget } from "../proxy/kube-target.js";

export interface OwnResponse {
  status: number;
  body: string;
}

/** At most this much of a response body is kept: enough for a Status or /readyz?verbose. */
const MAX_BODY_BYTES = 64 * 1024;
const TIMEOUT_MS = 10_000;

/**
 * A request to the API server as the agent itself (its own token, no impersonation), for its
 * health checks. Rejects only when no HTTP answer came (the "cannot contact" case).
 */
export async function ownRequest(
  target: KubeTarget,
  agent: Agent,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<OwnResponse> {
  const token = await target.bearerToken();
  const headers: Record<string, string> = { accept: "application/json, */*" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const url = new URL(target.url.pathname.replace(/\/$/, "") + path, target.url);
  const send = url.protocol === "https:" ? request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, timeout: TIMEOUT_MS, ...(url.protocol === "https:" ? { agent } : {}) },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          if (text.length < MAX_BODY_BYTES) text += chunk;
        });
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body: text });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
