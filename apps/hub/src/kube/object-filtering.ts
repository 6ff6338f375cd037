import { JsonListFilter, JsonWatchFilter, type HeaderLine } from "@warren/kube";
import type { ResponseHead } from "@warren/proto";

import type { AdmittedKubeRequest } from "./kube-admission.js";
import { KubeRefusal } from "./kube-refusal.js";

export interface BodyFilter {
  /** What to send for a chunk received: possibly empty, never more than one buffer. */
  push(chunk: Buffer): Buffer;
}

const headerOf = (lines: readonly HeaderLine[], name: string) =>
  lines.find((h) => h.name.toLowerCase() === name)?.value ?? "";

/**
 * A filtered list or watch must come back as plain JSON, the one form the hub reads: protobuf
 * is taken out of Accept (JSON, and kubectl's Table-as-JSON, stay) and compression is not
 * offered. Other requests go as they came.
 */
export function filteredRequestHeaders(
  admitted: AdmittedKubeRequest,
  headers: readonly HeaderLine[],
): HeaderLine[] {
  if (!admitted.filter) return [...headers];
  const kept = headers.filter((h) => !["accept", "accept-encoding"].includes(h.name.toLowerCase()));
  const accepted = headerOf(headers, "accept")
    .split(",")
    .map((type) => type.trim())
    .filter((type) => type !== "" && !type.includes("protobuf"));
  const accept = accepted.length > 0 ? accepted.join(",") : "application/json";
  return [...kept, { name: "Accept", value: accept }];
}

/**
 * The filter for the answer to a filtered list or watch, or undefined when it needs none. A
 * successful answer the hub cannot read is refused rather than passed on unfiltered.
 */
export function responseFilter(
  admitted: AdmittedKubeRequest,
  head: ResponseHead,
): BodyFilter | undefined {
  const holder = admitted.filter;
  if (!holder || head.statusCode !== 200) return undefined;
  const json = headerOf(head.headers, "content-type").startsWith("application/json");
  if (!json || headerOf(head.headers, "content-encoding") !== "") {
    throw new KubeRefusal(
      406,
      "Warren shows you only the objects your roles' kubernetes_resources allow, and reads " +
        "lists for that as JSON: ask for application/json (not protobuf or compressed)",
    );
  }
  const keep = (namespace: string, name: string) => holder.current(namespace, name);
  return admitted.resource?.verb === "watch" ? new JsonWatchFilter(keep) : new JsonListFilter(keep);
}

/** Response headers for a filtered body: its length is no longer known. */
export function filteredResponseHeaders(head: ResponseHead, filtered: boolean): HeaderLine[] {
  if (!filtered) return head.headers;
  return head.headers.filter((h) => h.name.toLowerCase() !== "content-length");
}
