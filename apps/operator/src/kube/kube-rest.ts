import { request as httpsRequest, type RequestOptions } from "node:https";
import { request as httpRequest } from "node:http";

import type { KubeConfig } from "@kubernetes/client-node";

import { OperatorError, OperatorErrorCode } from "../errors.js";

export interface KubeResponse<T> {
  status: number;
  body: T;
}

export const MERGE_PATCH = "application/merge-patch+json";

/**
 * JSON requests to the API server with the kubeconfig's credentials: for the few writes the
 * operator makes (status, finalizers, its Lease), where each request's exact body matters.
 */
export class KubeRest {
  constructor(private readonly config: KubeConfig) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<KubeResponse<T>> {
    const cluster = this.config.getCurrentCluster();
    if (!cluster) {
      throw new OperatorError(OperatorErrorCode.NoKubernetes, "the kubeconfig names no cluster");
    }
    const url = new URL(path, cluster.server);
    const options: RequestOptions = {
      method,
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers: { accept: "application/json", "content-type": contentType },
    };
    await this.config.applyToHTTPSOptions(options);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const send = url.protocol === "http:" ? httpRequest : httpsRequest;
      const req = send(options, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = text === "" ? {} : JSON.parse(text);
          } catch {
            // Not JSON (a proxy's page): the text says what happened.
          }
          resolve({ status: response.statusCode ?? 0, body: parsed as T });
        });
        response.on("error", reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30s`)));
      req.on("error", reject);
      req.end(payload);
    });
  }
}

/** The Status message of a failed response, for logs and conditions. */
export function statusMessage(response: KubeResponse<unknown>): string {
  const body = response.body as { message?: unknown } | string;
  const message = typeof body === "string" ? body : body.message;
  return `HTTP ${response.status}${typeof message === "string" && message ? `: ${message}` : ""}`;
}
