import { readCertificate } from "@warren/pki";

import type { Labels } from "./cluster-labels.js";
import { IdentityError, IdentityErrorCode } from "./errors.js";

/** Who a certificate issued by a Warren hub belongs to. */
export type WarrenIdentity =
  | { kind: "agent"; agentId: string; clusterName: string; labels: Labels }
  | { kind: "admin"; name: string }
  | { kind: "user"; name: string };

export type IdentityKind = WarrenIdentity["kind"];

const KINDS: readonly IdentityKind[] = ["agent", "admin", "user"];
const LABEL_PARAM = "label.";

/**
 * The identity as a URI subject alternative name, the way SPIFFE binds workload identities:
 * warren://agent/<id>?cluster=<name>&label.<key>=<value>, warren://admin/<name>,
 * warren://user/<name>. The hub's signature makes it authoritative.
 */
export function identityUri(identity: WarrenIdentity): string {
  if (identity.kind !== "agent") {
    return `warren://${identity.kind}/${encodeURIComponent(identity.name)}`;
  }
  const query = new URLSearchParams({ cluster: identity.clusterName });
  for (const [key, value] of Object.entries(identity.labels).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    query.append(`${LABEL_PARAM}${key}`, value);
  }
  return `warren://agent/${encodeURIComponent(identity.agentId)}?${query.toString()}`;
}

function malformed(uri: string): IdentityError {
  return new IdentityError(
    IdentityErrorCode.MalformedIdentity,
    `"${uri}" is not a Warren identity`,
  );
}

export function parseIdentityUri(uri: string): WarrenIdentity {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw malformed(uri);
  }
  const kind = KINDS.find((k) => k === url.host);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (url.protocol !== "warren:" || kind === undefined || name === "") throw malformed(uri);
  if (kind !== "agent") return { kind, name };
  const clusterName = url.searchParams.get("cluster");
  if (clusterName === null) throw malformed(uri);
  const labels: Labels = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith(LABEL_PARAM)) labels[key.slice(LABEL_PARAM.length)] = value;
  }
  return { kind, agentId: name, clusterName, labels };
}

/** The Warren identity a certificate carries; refuses certificates that carry none. */
export function readIdentity(certificatePem: string): WarrenIdentity {
  const uri = readCertificate(certificatePem).uris.find((u) => u.startsWith("warren://"));
  if (uri === undefined) {
    throw new IdentityError(
      IdentityErrorCode.MissingIdentity,
      "the certificate carries no Warren identity: it was not issued by a Warren hub",
    );
  }
  return parseIdentityUri(uri);
}

/** How an identity appears in logs and messages, e.g. "agent 1f… of cluster prod". */
export function describeIdentity(identity: WarrenIdentity): string {
  return identity.kind === "agent"
    ? `agent ${identity.agentId} of cluster ${identity.clusterName}`
    : `${identity.kind} ${identity.name}`;
}
