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

/** The Warren user behind a kubectl connection, from the client certificate; 401 otherwise. */
export async function authenticateKubeUser(
  socket: TLSSocket,
  caPem: string,
  store: HubStore,
  clock: Clock,
): Promise<UserRecord> {
  const presented = socket.getPeerX509Certificate();
  if (presented === undefined) {
    throw new KubeRefusal(401, `no client certificate was presented: ${RESIGN}`);
  }
  const pem = presented.toString();
  let name: string;
  try {
    verifyIssuedBy(pem, caPem, clock.now());
    const identity = readIdentity(pem);
    if (identity.kind !== "user") {
      throw new KubeRefusal(
        401,
        `a ${identity.kind} certificate cannot use kubectl through the hub: ${RESIGN}`,
      );
    }
    name = identity.name;
  } catch (error) {
    if (error instanceof PkiError) throw new KubeRefusal(401, certificateProblem(error));
    if (error instanceof IdentityError) throw new KubeRefusal(401, `${error.message}: ${RESIGN}`);
    throw error;
  }
  const user = await store.users.get(name);
  if (!user) {
    throw new KubeRefusal(
      401,
      `user ${name} no longer exists on this hub: ask an admin (warrenctl users add ${name} --roles …)`,
    );
  }
  return user;
}
