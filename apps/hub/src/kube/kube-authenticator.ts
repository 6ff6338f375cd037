import type { TLSSocket } from "node:tls";

import { IdentityError, readIdentity } from "@warren/identity";
import { PkiError, PkiErrorCode, verifyIssuedBy } from "@warren/pki";
import type { HubStore, UserRecord } from "@warren/store";

import type { Clock } from "../clock.js";
import { KubeRefusal } from "./kube-refusal.js";

const RESIGN = "get a new kubeconfig with warrenctl auth sign --user NAME --format kubernetes";

function certificateProblem(error: PkiError): string {
  if (error.code === PkiErrorCode.Expired)
    return `your client certificate ${error.message.replace(/^certificate /, "")}: ${RESIGN}`;
  if (error.code === PkiErrorCode.UntrustedCertificate) {
    return (
      "your client certificate was not issued by this hub's CA (another hub, or this one was " +
      `recreated): ${RESIGN}`
    );
  }
  return `your client certificate is not usable (${error.message}): ${RESIGN}`;
}

interface VerifiedPeer {
  name: string;
  notAfter: Date;
}

/**
 * The Warren user behind a kubectl connection, from its client certificate; 401 otherwise.
 * The certificate is verified once per TLS connection (it cannot change within one), while its
 * expiry and the user's existence are checked on every request.
 */
export class KubeAuthenticator {
  private readonly verified = new WeakMap<TLSSocket, VerifiedPeer>();

  constructor(
    private readonly caPem: string,
    private readonly store: HubStore,
    private readonly clock: Clock,
  ) {}

  async authenticate(socket: TLSSocket): Promise<UserRecord> {
    let peer = this.verified.get(socket);
    if (peer === undefined) {
      peer = this.verify(socket);
      this.verified.set(socket, peer);
    }
    if (this.clock.now() > peer.notAfter) {
      throw new KubeRefusal(
        401,
        `your client certificate expired at ${peer.notAfter.toUTCString()}: ${RESIGN}`,
      );
    }
    const user = await this.store.users.get(peer.name);
    if (!user) {
      throw new KubeRefusal(
        401,
        `user ${peer.name} no longer exists on this hub: ask an admin (warrenctl users add ` +
          `${peer.name} --roles …)`,
      );
    }
    return user;
  }

  private verify(socket: TLSSocket): VerifiedPeer {
    const presented = socket.getPeerX509Certificate();
    if (presented === undefined) {
      throw new KubeRefusal(401, `no client certificate was presented: ${RESIGN}`);
    }
    const pem = presented.toString();
    try {
      verifyIssuedBy(pem, this.caPem, this.clock.now());
      const identity = readIdentity(pem);
      if (identity.kind !== "user") {
        throw new KubeRefusal(
          401,
          `a ${identity.kind} certificate cannot use kubectl through the hub: ${RESIGN}`,
        );
      }
      return { name: identity.name, notAfter: new Date(presented.validTo) };
    } catch (error) {
      if (error instanceof PkiError) throw new KubeRefusal(401, certificateProblem(error));
      if (error instanceof IdentityError) throw new KubeRefusal(401, `${error.message}: ${RESIGN}`);
      throw error;
    }
  }
}
