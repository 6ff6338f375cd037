import { readCertificate } from "@warren/pki";

import { IdentityError, IdentityErrorCode } from "./errors.js";

/**
 * Who a certificate issued by a Warren hub belongs to. An agent's certificate names its
 * cluster but no labels: those are the admin's, kept by the hub. A user's names the uid of
 * the user it was signed for, so it dies with that user even if the name is reused.
 */
export type WarrenIdentity =
  | { kind: "agent"; agentId: string; clusterName: string }
  /**
   * scope "resources": the admin may only manage users, roles, connectors and provision tokens
   * (what warren-operator needs); none: every admin call.
   */
  | { kind: "admin"; name: string; scope?: AdminScope }
  /** session: the login session it was issued in (none for certificates an admin signed). */
  | { kind: "user"; name: string; uid: string; session?: string };

export type IdentityKind = WarrenIdentity["kind"];

/** The one narrower admin scope there is: see WarrenIdentity. */
export type AdminScope = "resources";

const KINDS: readonly IdentityKind[] = ["agent", "admin", "user"];

/**
 * The identity as a URI subject alternative name, the way SPIFFE binds workload identities:
 * warren://agent/<id>?cluster=<name>, warren://admin/<name>, warren://user/<name>?uid=<uid>.
 * The hub's signature makes it authoritative.
 */
export function identityUri(identity: WarrenIdentity): string {
  const path = (name: string) => `warren://${identity.kind}/${encodeURIComponent(name)}`;
  switch (identity.kind) {
    case "agent":
      return `${path(identity.agentId)}?${new URLSearchParams({ cluster: identity.clusterName }).toString()}`;
    case "user": {
      const query = new URLSearchParams();
      if (identity.uid !== "") query.set("uid", identity.uid);
      if (identity.session !== undefined) query.set("session", identity.session);
      const text = query.toString();
      return text === "" ? path(identity.name) : `${path(identity.name)}?${text}`;
    }
    case "admin":
      return identity.scope === undefined
        ? path(identity.name)
        : `${path(identity.name)}?${new URLSearchParams({ scope: identity.scope }).toString()}`;
  }
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
  // Certificates signed before uids existed carry none: they match users from that time only.
  if (kind === "user") {
    const session = url.searchParams.get("session");
    const uid = url.searchParams.get("uid") ?? "";
    return session === null ? { kind, name, uid } : { kind, name, uid, session };
  }
  if (kind === "admin") {
    const scope = url.searchParams.get("scope");
    if (scope === null) return { kind, name };
    // An unknown scope must never widen into a full admin.
    if (scope !== "resources") throw malformed(uri);
    return { kind, name, scope };
  }
  // Older agent certificates also carry label.* parameters; labels are the hub's now.
  const clusterName = url.searchParams.get("cluster");
  if (clusterName === null) throw malformed(uri);
  return { kind, agentId: name, clusterName };
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
