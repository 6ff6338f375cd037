import { createPublicKey } from "node:crypto";
import { createSecureContext, type SecureContext } from "node:tls";

import { issueCertificate, type CertificateAuthority } from "@warren/pki";

import type { ServerIdentity } from "../ca/server-identity.js";
import type { Clock } from "../clock.js";
import { clusterOfServerName } from "./kube-names.js";

const VALIDITY_MS = 365 * 24 * 3_600_000;

export type SniCallback = (
  serverName: string,
  callback: (error: Error | null, context?: SecureContext) => void,
) => void;

export interface ServerNameContextOptions {
  ca: CertificateAuthority;
  identity: ServerIdentity;
  caPem: string;
  kubeServerName: string;
  clock: Clock;
  /** Whether a cluster of that name exists: certificates are made for real clusters only. */
  clusterExists: (name: string) => Promise<boolean>;
}

/**
 * The serving certificate covers *.<kube server name>, which a wildcard matches for one label
 * only: a cluster named with dots (prod.eu) gets a certificate for its exact server name, made
 * on first use with the serving key and kept. Only existing clusters get one, so a stranger's
 * handshakes cannot make the hub sign names without end.
 */
export function serverNameContexts(options: ServerNameContextOptions): SniCallback {
  const made = new Map<string, SecureContext>();
  const publicKeyPem = createPublicKey(options.identity.privateKeyPem)
    .export({ type: "spki", format: "pem" })
    .toString();
  const contextFor = (serverName: string): SecureContext => {
    const certificatePem = issueCertificate({
      ca: options.ca,
      publicKeyPem,
      subject: { commonName: serverName },
      dnsNames: [serverName],
      usages: ["serverAuth"],
      validityMs: VALIDITY_MS,
      now: options.clock.now(),
    });
    return createSecureContext({
      cert: certificatePem + options.ca.certificatePem,
      key: options.identity.privateKeyPem,
      ca: options.caPem,
    });
  };
  return (serverName, callback) => {
    const name = serverName.toLowerCase();
    const cluster = clusterOfServerName(name, options.kubeServerName);
    const known = made.get(name);
    if (known || !cluster?.includes(".")) {
      callback(null, known);
      return;
    }
    options.clusterExists(cluster).then(
      (exists) => {
        if (!exists) {
          callback(null, undefined);
          return;
        }
        const context = made.get(name) ?? contextFor(name);
        made.set(name, context);
        callback(null, context);
      },
      () => {
        // The default certificate then; the request itself reports a store that is down.
        callback(null, undefined);
      },
    );
  };
}
