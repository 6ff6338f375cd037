import { createPublicKey } from "node:crypto";
import { createSecureContext, type SecureContext } from "node:tls";

import { issueCertificate } from "@warren/pki";

import type { AuthorityView } from "../ca/authority-state.js";
import type { ServerIdentity } from "../ca/server-identity.js";
import type { Clock } from "../clock.js";
import { clusterOfServerName } from "./kube-names.js";

const VALIDITY_MS = 365 * 24 * 3_600_000;

export type SniCallback = (
  serverName: string,
  callback: (error: Error | null, context?: SecureContext) => void,
) => void;

/** What the hub serves with now; a new identity (a CA rotation moved) starts a new set. */
export interface ServingNow {
  view: AuthorityView;
  identity: ServerIdentity;
  /** The CAs client certificates may come from. */
  trustedPem: string;
  /** The CAs a TLS certificate request names: the trusted ones and those rotations dropped. */
  requestedPem: string;
}

export interface ServerNameContextOptions {
  serving: () => ServingNow;
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
  let made = new Map<string, SecureContext>();
  let madeFor: ServerIdentity | undefined;
  const contextFor = (serverName: string): SecureContext => {
    const { view, identity, requestedPem } = options.serving();
    const publicKeyPem = createPublicKey(identity.privateKeyPem)
      .export({ type: "spki", format: "pem" })
      .toString();
    const certificatePem = issueCertificate({
      ca: view.serverIssuer,
      publicKeyPem,
      subject: { commonName: serverName },
      dnsNames: [serverName],
      usages: ["serverAuth"],
      validityMs: VALIDITY_MS,
      now: options.clock.now(),
    });
    return createSecureContext({
      cert: certificatePem + view.servingChainTail,
      key: identity.privateKeyPem,
      ca: requestedPem,
    });
  };
  return (serverName, callback) => {
    const { identity } = options.serving();
    if (identity !== madeFor) {
      made = new Map();
      madeFor = identity;
    }
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
