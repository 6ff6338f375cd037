import type { IncomingMessage } from "node:http";

import { identityOf, protobufObjectName, type HeaderLine } from "@warren/kube";

import { KubeRefusal } from "./kube-refusal.js";

/** The API server's own limit on a request body. */
const MAX_CREATE_BYTES = 3 * 1024 * 1024;

/**
 * A create's body, read whole before it is relayed, so kubernetes_resources can judge the
 * object by its name. Only asked for when rules that name objects refused the create without
 * one.
 */
export async function readCreateBody(req: IncomingMessage, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (signal.aborted) break;
    size += chunk.length;
    if (size > MAX_CREATE_BYTES) {
      throw new KubeRefusal(
        413,
        "Warren reads a create's object name to check your roles' kubernetes_resources, and " +
          `this body is larger than ${String(MAX_CREATE_BYTES)} bytes, the API server's own limit`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * metadata.name of a create's body, JSON or Kubernetes protobuf (kubectl sends either);
 * undefined for YAML, an unreadable body, or an object named by generateName.
 */
export function createdName(body: Buffer, headers: readonly HeaderLine[]): string | undefined {
  const type = headers.find((h) => h.name.toLowerCase() === "content-type")?.value ?? "";
  const name = type.startsWith("application/json")
    ? identityOf(body)?.name
    : type.startsWith("application/vnd.kubernetes.protobuf")
      ? protobufObjectName(body)
      : undefined;
  return name === "" ? undefined : name;
}
