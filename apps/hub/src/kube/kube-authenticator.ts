import type { TLSSocket } from "node:tls";

import { IdentityError, readIdentity } from "@warren/identity";
import { caPin, issuerIn, PkiError, PkiErrorCode, verifyIssuedBy } from "@warren/pki";
import { lockInForce, type HubStore, type UserRecord } from "@warren/store";

import type { Clock } from "../clock.js";
import { openSession } from "../login/login-session-record.js";
import { KubeRefusal } from "./kube-refusal.js";

const RESIGN = "get a new kubeconfig with warrenctl auth sign --user NAME --format kubernetes";
const LOGIN_AGAIN = "run warren login";

/**
 * How to get a working certificate: log in again if it came from a login, else ask an admin
 * (for the user the certificate names, when it names one).
 */
function fixFor(pem: string): string {
  try {
    const identity = readIdentity(pem);
    if (identity.kind !== "user") return RESIGN;
    return identity.session !== undefined ? LOGIN_AGAIN : RESIGN.replace("NAME", identity.name);
  } catch {
    return RESIGN;
  }
}

function certificateProblem(error: PkiError, fix: string): string {
  if (error.code === PkiErrorCode.Expired)
    return `your client certificate ${error.message.replace(/^certificate /, "")}: ${fix}`;
  if (error.code === PkiErrorCode.UntrustedCertificate) {
    return (
      "your client certificate was not issued by this hub's CA (another hub, or this one was " +
      `recreated): ${fix}`
    );
  }
  return `your client certificate is not usable (${error.message}): ${fix}`;
}

/** A certificate from a CA that a rotation retired gets its own 401, with the way out. */
function refuseRetired(pem: string, retired: readonly string[], fix: string): void {
  const issuer = retired.length > 0 ? issuerIn(pem, retired.join("")) : undefined;
  if (issuer === undefined) return;
  throw new KubeRefusal(
    401,
    `your client certificate is from a CA that a rotation of the hub's CA dropped ` +
      `(${caPin(issuer)}): ${fix}, and use the kubeconfig it gives (it trusts the hub's CA now)`,
  );
}

/** The CAs client certificates may come from, and those CA rotations dropped. */
export interface Trust {
  pem: string;
  retired: readonly string[];
}

/**
 * Refuses (401) a certificate no CA the hub trusts now has issued, naming a rotation's
 * dropped CA apart from any other: on each new connection, and for open sessions when a
 * rotation step changes the trusted CAs.
 */
export function checkIssuer(pem: string, trusted: Trust, now: Date): void {
  const fix = fixFor(pem);
  try {
    refuseRetired(pem, trusted.retired, fix);
    verifyIssuedBy(pem, trusted.pem, now);
  } catch (error) {
    if (error instanceof PkiError) throw new KubeRefusal(401, certificateProblem(error, fix));
    throw error;
  }
}

/** Who a kubectl connection's certificate says it is: the hub's CA vouches for it. */
export interface KubeCaller {
  name: string;
  /** As presented: checked again for open sessions when the trusted CAs change. */
  certificatePem: string;
  /** The uid of the user the certificate was signed for. */
  uid: string;
  notAfter: Date;
  /** The login session the certificate was issued in; none for one an admin signed. */
  session?: string;
}

/** A caller the hub knows now: a current user, not locked, with an unexpired certificate. */
export interface AuthenticatedCaller {
  caller: KubeCaller;
  user: UserRecord;
}

/**
 * Whether the certificate still stands for a user: it has not expired, and its user exists as
 * the same incarnation it was signed for. Run on every request, and again for open sessions
 * when an admin changes something. Every refusal is a 401: the caller is nobody now.
 */
export async function checkCaller(
  store: HubStore,
  caller: KubeCaller,
  now: Date,
): Promise<UserRecord> {
  const fix = caller.session === undefined ? RESIGN : LOGIN_AGAIN;
  if (now > caller.notAfter) {
    throw new KubeRefusal(
      401,
      `your client certificate expired at ${caller.notAfter.toUTCString()}: ${fix}`,
    );
  }
  const user = await store.users.get(caller.name);
  if (!user) {
    throw new KubeRefusal(
      401,
      `user ${caller.name} no longer exists on this hub: ask an admin (warrenctl users add ` +
        `${caller.name} --roles …)`,
    );
  }
  if (user.uid !== caller.uid) {
    throw new KubeRefusal(
      401,
      `your client certificate was signed for an earlier user named ${caller.name}, removed ` +
        `since: ${fix.replace("NAME", caller.name)}`,
    );
  }
  if (
    caller.session !== undefined &&
    !(await openSession(store, caller.session, caller.name, now))
  ) {
    throw new KubeRefusal(
      401,
      `your login session ended (logged out, ended by an admin, or expired): ${LOGIN_AGAIN}`,
    );
  }
  return user;
}

/** A locked user is known, and refused (403) until the lock is lifted or expires. */
export function checkLock(user: UserRecord, now: Date): void {
  if (!lockInForce(user.lock, now)) return;
  const until = user.lock.expiresAt ? ` until ${user.lock.expiresAt.toISOString()}` : "";
  throw new KubeRefusal(
    403,
    `user ${user.name} is locked${until} by ${user.lock.lockedBy}` +
      (user.lock.reason ? `: ${user.lock.reason}` : "") +
      ` (an admin lifts it with warrenctl users unlock ${user.name})`,
  );
}

/**
 * The Warren user behind a kubectl connection, from its client certificate; 401 otherwise.
 * The certificate is verified once per TLS connection (it cannot change within one), while its
 * expiry and the user's existence are checked on every request.
 */
export class KubeAuthenticator {
  private readonly verified = new WeakMap<TLSSocket, { caller: KubeCaller; trusted: Trust }>();

  /**
   * `trusted`: the CAs a client certificate may come from now (two during a rotation), and
   * those a completed rotation retired; a connection is verified again when they change.
   */
  constructor(
    private readonly trusted: () => Trust,
    private readonly store: HubStore,
    private readonly clock: Clock,
  ) {}

  async authenticate(socket: TLSSocket): Promise<AuthenticatedCaller> {
    const trusted = this.trusted();
    let caller = this.verified.get(socket);
    // The same object while nothing changed; a new one (even with equal text) re-verifies.
    if (caller?.trusted !== trusted) {
      caller = { caller: this.verify(socket, trusted), trusted };
      this.verified.set(socket, caller);
    }
    return {
      caller: caller.caller,
      user: await checkCaller(this.store, caller.caller, this.clock.now()),
    };
  }

  private verify(socket: TLSSocket, trusted: Trust): KubeCaller {
    const presented = socket.getPeerX509Certificate();
    if (presented === undefined) {
      throw new KubeRefusal(401, `no client certificate was presented: ${RESIGN}`);
    }
    const pem = presented.toString();
    checkIssuer(pem, trusted, this.clock.now());
    try {
      const identity = readIdentity(pem);
      if (identity.kind !== "user") {
        throw new KubeRefusal(
          401,
          `a ${identity.kind} certificate cannot use kubectl through the hub: ${RESIGN}`,
        );
      }
      const caller: KubeCaller = {
        name: identity.name,
        certificatePem: pem,
        uid: identity.uid,
        notAfter: new Date(presented.validTo),
      };
      if (identity.session !== undefined) caller.session = identity.session;
      return caller;
    } catch (error) {
      if (error instanceof IdentityError) throw new KubeRefusal(401, `${error.message}: ${RESIGN}`);
      throw error;
    }
  }
}
