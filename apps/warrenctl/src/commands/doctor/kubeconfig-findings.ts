import { createPrivateKey, X509Certificate } from "node:crypto";

import { parseIdentityUri, type WarrenIdentity } from "@warren/identity";
import { caPin, issuerIn } from "@warren/pki";
import type { UserInfo } from "@warren/proto";

import type { Finding } from "./finding.js";
import { KubectlPrints } from "./kubectl-prints.js";
import { RESIGN, type ClusterUse, type KubeconfigUse, type UserUse } from "./kubeconfig-use.js";

export interface HubFacts {
  kubeUrl: string;
  /** Every CA the hub trusts now, PEM each. */
  trustedCaPems: readonly string[];
  /** CAs rotations dropped, PEM each. */
  retiredCaPems: readonly string[];
  clusterNames: readonly string[];
  /** Empty from a hub before server-name routing. */
  kubeServerName: string;
  users: readonly UserInfo[];
}

const samePin = (a: string, b: string) => {
  try {
    return caPin(a) === caPin(b);
  } catch {
    return false;
  }
};

/**
 * The cluster an entry reaches through this hub: its path /k8s/<cluster> on the hub's origin,
 * and a tls-server-name, when it has one, for that same cluster; undefined otherwise.
 */
function routedCluster(server: string, serverName: string | undefined, hub: HubFacts) {
  if (!URL.canParse(server)) return undefined;
  const url = new URL(server);
  if (url.origin !== new URL(hub.kubeUrl).origin) return undefined;
  const match = /^\/k8s\/([^/]+)\/?$/.exec(url.pathname);
  const cluster = match ? decodeURIComponent(match[1] ?? "") : undefined;
  if (serverName === undefined || cluster === undefined) return cluster;
  return serverName === `${cluster}.${hub.kubeServerName}` ? cluster : undefined;
}

function clusterFindings(entry: ClusterUse, hub: HubFacts): Finding[] {
  const subject = `kubeconfig cluster "${entry.name}"`;
  const findings: Finding[] = [];
  const known = [...hub.trustedCaPems, ...hub.retiredCaPems];
  if (!entry.insecure && !known.some((ca) => entry.caPem && samePin(entry.caPem, ca))) {
    findings.push({
      subject,
      problem: "its CA is not this hub's (another hub, or this one was recreated)",
      fix: `get a new kubeconfig from this hub: ${RESIGN}`,
      kubectlPrints: KubectlPrints.unknownAuthority,
    });
  }
  const routed = routedCluster(entry.server, entry.serverName, hub);
  if (routed === undefined) {
    findings.push({
      subject,
      problem:
        `its server ${entry.server || "(none)"} is not this hub's kube endpoint ` +
        `(${new URL(hub.kubeUrl).origin}/k8s/<cluster>, tls-server-name <cluster>.${hub.kubeServerName || "<kube server name>"})`,
      fix: `get a new kubeconfig: ${RESIGN}`,
    });
  } else if (!hub.clusterNames.includes(routed)) {
    findings.push({
      subject,
      problem: `it points at cluster "${routed}", which this hub does not know (${hub.clusterNames.join(", ") || "no clusters"})`,
      fix: `use one of the hub's clusters (warrenctl clusters ls), or get a new kubeconfig: ${RESIGN}`,
      kubectlPrints: KubectlPrints.warning(`there is no cluster "${routed}" on this hub`),
    });
  }
  return findings;
}

/** One finding about `subject`, by default a 401 from the hub. */
const findingOn =
  (subject: string) =>
  (problem: string, fix: string, kubectlPrints: string = KubectlPrints.unauthorized): Finding[] => [
    { subject, problem, fix, kubectlPrints },
  ];

/** A user entry with no certificate: what it sends instead, which the hub does not take. */
function withoutCertificate(user: UserUse): { text: string; prints: string } | undefined {
  const refused = (text: string) => ({ text, prints: KubectlPrints.unauthorized });
  if (user.execCommand !== undefined) {
    // Warren's own credential plugin signs in and hands kubectl a certificate each time.
    return /(^|\/)warren$/.test(user.execCommand)
      ? undefined
      : refused(`it gets credentials from the plugin "${user.execCommand}", not Warren's`);
  }
  if (user.token)
    return refused("it sends a bearer token, and the hub takes only client certificates");
  if (user.authProvider)
    return refused(`it uses the auth-provider "${user.authProvider}", not a client certificate`);
  return {
    text: "it has no credentials (kubectl asks for a user name and password instead)",
    prints: KubectlPrints.noCredentials,
  };
}

function certificateFindings(user: UserUse, pem: string, hub: HubFacts, now: Date): Finding[] {
  const subject = `kubeconfig user "${user.name}"`;
  const at = findingOn(subject);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return at("its client certificate is not a PEM certificate", `sign a new one: ${RESIGN}`);
  }
  if (user.keyPem === undefined || !keyMatches(cert, user.keyPem)) {
    return at(
      "its client key does not belong to its client certificate",
      `sign a new kubeconfig (key and certificate together): ${RESIGN}`,
      KubectlPrints.keyMismatch,
    );
  }
  const validTo = new Date(cert.validTo);
  if (validTo <= now)
    return at(
      `its client certificate expired at ${validTo.toISOString()}`,
      `sign a new one: ${RESIGN}`,
    );
  const validFrom = new Date(cert.validFrom);
  if (validFrom > now) {
    return at(
      `its client certificate is not valid until ${validFrom.toISOString()} (a clock is wrong)`,
      "set the clock of the machine that signed it or of this one right (NTP), then sign again",
    );
  }
  if (!issuerIn(pem, hub.trustedCaPems.join(""))) {
    const retired = issuerIn(pem, hub.retiredCaPems.join(""));
    return at(
      retired
        ? `its client certificate is from a CA a rotation of the hub's CA dropped (${caPin(retired)})`
        : "its client certificate is from a CA this hub does not trust (another hub, or this one was recreated)",
      `sign a new one: ${RESIGN}`,
    );
  }
  return identityFindings(subject, cert, hub);
}

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** The Warren identity a certificate's URI name carries (any key type, unlike node-forge). */
function identityOf(cert: X509Certificate): WarrenIdentity | undefined {
  const uri = (cert.subjectAltName ?? "")
    .split(", ")
    .map((name) => name.replace(/^URI:/, ""))
    .find((name) => name.startsWith("warren://"));
  try {
    return uri === undefined ? undefined : parseIdentityUri(uri);
  } catch {
    return undefined;
  }
}

/** Whose certificate it is, and whether the hub still knows them. */
function identityFindings(subject: string, cert: X509Certificate, hub: HubFacts): Finding[] {
  const at = findingOn(subject);
  const identity = identityOf(cert);
  if (!identity) {
    return at("its client certificate carries no Warren identity", `sign a new one: ${RESIGN}`);
  }
  if (identity.kind !== "user") {
    return at(
      `its client certificate is an ${identity.kind}'s, which cannot use kubectl through the hub`,
      `sign a user's: ${RESIGN}`,
    );
  }
  const user = hub.users.find((u) => u.name === identity.name);
  if (!user) {
    return at(
      `its client certificate is user ${identity.name}'s, who no longer exists on this hub`,
      `warrenctl users add ${identity.name} --roles …, then sign again`,
    );
  }
  if (user.lock) {
    return at(
      `user ${identity.name} is locked by ${user.lock.lockedBy}` +
        (user.lock.reason ? `: ${user.lock.reason}` : ""),
      `warrenctl users unlock ${identity.name}, if the lock is no longer meant`,
      KubectlPrints.warning(`user ${identity.name} is locked`),
    );
  }
  return [];
}

/** What is wrong with the context kubectl would use to reach a cluster through this hub. */
export function kubeconfigFindings(use: KubeconfigUse, hub: HubFacts, now: Date): Finding[] {
  const { user } = use;
  const userFindings = user.certificatePem
    ? certificateFindings(user, user.certificatePem, hub, now)
    : [withoutCertificate(user)].flatMap((problem) =>
        problem
          ? [
              {
                subject: `kubeconfig user "${user.name}"`,
                problem: problem.text,
                fix: `sign a kubeconfig with a client certificate: ${RESIGN}, or log in: warren kube login CLUSTER`,
                kubectlPrints: problem.prints,
              },
            ]
          : [],
      );
  return [...clusterFindings(use.cluster, hub), ...userFindings];
}
