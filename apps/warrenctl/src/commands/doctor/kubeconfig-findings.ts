import { X509Certificate } from "node:crypto";

import { parse } from "yaml";

import type { Finding } from "./finding.js";

interface Kubeconfig {
  clusters?: {
    name: string;
    cluster?: {
      server?: string;
      "certificate-authority-data"?: string;
      "tls-server-name"?: string;
    };
  }[];
  users?: { name: string; user?: { "client-certificate-data"?: string } }[];
}

export interface HubFacts {
  kubeUrl: string;
  caPem: string;
  clusterNames: readonly string[];
  /** Empty from a hub before server-name routing. */
  kubeServerName: string;
}

const RESIGN = "warrenctl auth sign --user NAME --format kubernetes --out FILE";
const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

function sameCertificate(a: string, b: string): boolean {
  try {
    return new X509Certificate(a).fingerprint256 === new X509Certificate(b).fingerprint256;
  } catch {
    return false;
  }
}

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

function clusterEntryFindings(
  entry: NonNullable<Kubeconfig["clusters"]>[number],
  hub: HubFacts,
): Finding[] {
  const subject = `kubeconfig cluster "${entry.name}"`;
  const findings: Finding[] = [];
  const ca = entry.cluster?.["certificate-authority-data"];
  if (ca === undefined || !sameCertificate(decode(ca), hub.caPem)) {
    findings.push({
      subject,
      problem: "its CA is not this hub's (another hub, or this one was recreated)",
      fix: `get a new kubeconfig from this hub: ${RESIGN}`,
    });
  }
  const server = entry.cluster?.server ?? "";
  const routed = routedCluster(server, entry.cluster?.["tls-server-name"], hub);
  if (routed === undefined) {
    findings.push({
      subject,
      problem:
        `its server ${server || "(none)"} is not this hub's kube endpoint ` +
        `(${new URL(hub.kubeUrl).origin}/k8s/<cluster>, tls-server-name <cluster>.${hub.kubeServerName || "<kube server name>"})`,
      fix: `get a new kubeconfig: ${RESIGN}`,
    });
  } else if (!hub.clusterNames.includes(routed)) {
    findings.push({
      subject,
      problem: `it points at cluster "${routed}", which this hub does not know (${hub.clusterNames.join(", ") || "no clusters"})`,
      fix: `use one of the hub's clusters (warrenctl clusters ls), or get a new kubeconfig: ${RESIGN}`,
    });
  }
  return findings;
}

function userEntryFindings(entry: NonNullable<Kubeconfig["users"]>[number], now: Date): Finding[] {
  const data = entry.user?.["client-certificate-data"];
  const subject = `kubeconfig user "${entry.name}"`;
  if (data === undefined) {
    return [{ subject, problem: "has no client certificate", fix: `sign one: ${RESIGN}` }];
  }
  const validTo = new Date(new X509Certificate(decode(data)).validTo);
  if (validTo > now) return [];
  return [
    {
      subject,
      problem: `its client certificate expired at ${validTo.toISOString()}`,
      fix: `sign a new one: ${RESIGN} (kubectl shows only "Unauthorized" for this)`,
    },
  ];
}

/** What is wrong with a kubeconfig for reaching clusters through this hub. */
export function kubeconfigFindings(text: string, hub: HubFacts, now: Date): Finding[] {
  const config = parse(text) as Kubeconfig | null;
  return [
    ...(config?.clusters ?? []).flatMap((entry) => clusterEntryFindings(entry, hub)),
    ...(config?.users ?? []).flatMap((entry) => userEntryFindings(entry, now)),
  ];
}
