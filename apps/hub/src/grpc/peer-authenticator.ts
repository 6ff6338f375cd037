import { X509Certificate } from "node:crypto";

import { status, type ServerUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import {
  describeIdentity,
  IdentityError,
  readIdentity,
  type AdminScope,
  type WarrenIdentity,
} from "@warren/identity";
import { PkiError, readCertificate, verifyIssuedBy, type CertificateInfo } from "@warren/pki";
import type { AgentRecord, HubStore, UserRecord } from "@warren/store";

import type { Clock } from "../clock.js";
import { refuse, Refusal } from "../errors.js";
import { refuseLocked } from "../login/login-completion.js";
import { openSession } from "../login/login-session-record.js";
import { AdminIdentities, issuedAt } from "./admin-identities.js";

/** Any server call: only its TLS peer matters here. */
export type ServerSurfaceCall = Pick<ServerUnaryCall<unknown, unknown>, "getAuthContext">;

export interface AuthenticatedUser {
  user: UserRecord;
  session?: string;
}

export interface AuthenticatedAgent {
  record: AgentRecord;
  certificate: CertificateInfo;
}

/** Who is calling, from the client certificate grpc-js verified against the hub's CA. */
export interface AuthenticatedAdmin {
  name: string;
  scope: AdminScope | undefined;
}

export class PeerAuthenticator {
  readonly admins: AdminIdentities;

  /** `trustedPem`: the CAs a client certificate may come from now (two during a rotation). */
  constructor(
    private readonly trustedPem: () => string,
    private readonly store: HubStore,
    private readonly clock: Clock,
  ) {
    this.admins = new AdminIdentities(store, clock);
  }

  private identify(call: ServerSurfaceCall): { identity: WarrenIdentity; pem: string } {
    // grpc-js reports a certificate only when it verified against the hub's CA.
    const raw = call.getAuthContext().sslPeerCertificate?.raw;
    if (raw === undefined) {
      throw refuse.unauthenticated(
        "no client certificate from this hub's CA: this call needs an identity the hub " +
          "issued, and a CA rotation's standby or a reset of the hub's data directory voids " +
          "older ones (admins: warrenctl auth login with a new admin token; users: warren login)",
      );
    }
    const pem = new X509Certificate(raw).toString();
    try {
      verifyIssuedBy(pem, this.trustedPem(), this.clock.now());
      return { identity: readIdentity(pem), pem };
    } catch (error) {
      if (error instanceof PkiError || error instanceof IdentityError) {
        throw refuse.unauthenticated(`client certificate refused: ${error.message}`);
      }
      throw error;
    }
  }

  /** An admin's certificate: its name, and its scope when it has a narrower one. */
  async admin(call: ServerSurfaceCall): Promise<AuthenticatedAdmin> {
    const { identity, pem } = this.identify(call);
    if (identity.kind !== "admin") {
      throw refuse.notAllowed(
        `${describeIdentity(identity)} may not use the admin API` +
          (identity.kind === "user"
            ? " (a user's certificate reaches only the user API: warren kube ls)"
            : ""),
      );
    }
    await this.admins.check(identity.name, issuedAt(readCertificate(pem).notBefore));
    return { name: identity.name, scope: identity.scope };
  }

  /**
   * A user's certificate: its user exists as the incarnation it names, its login session (if
   * it came from one) is open, and no lock holds.
   */
  async user(call: ServerSurfaceCall): Promise<AuthenticatedUser> {
    const { identity } = this.identify(call);
    if (identity.kind !== "user") {
      throw refuse.notAllowed(`${describeIdentity(identity)} is not a user: this is the user API`);
    }
    const now = this.clock.now();
    const user = await this.store.users.get(identity.name);
    if (user?.uid !== identity.uid) {
      throw new Refusal(
        status.UNAUTHENTICATED,
        RefusalReason.IdentityRevoked,
        `user ${identity.name} no longer exists on this hub as the one this certificate was issued to: run warren login`,
      );
    }
    if (
      identity.session !== undefined &&
      !(await openSession(this.store, identity.session, user.name, now))
    ) {
      throw new Refusal(
        status.UNAUTHENTICATED,
        RefusalReason.SessionEnded,
        "your login session ended (logged out, ended by an admin, or expired): run warren login",
      );
    }
    refuseLocked(user, now);
    return identity.session === undefined ? { user } : { user, session: identity.session };
  }

  async agent(call: ServerSurfaceCall): Promise<AuthenticatedAgent> {
    const { identity, pem } = this.identify(call);
    if (identity.kind !== "agent") {
      throw refuse.notAllowed(`${describeIdentity(identity)} is not an agent`);
    }
    const record = await this.store.agents.get(identity.agentId);
    const revoked = (message: string) =>
      new Refusal(status.PERMISSION_DENIED, RefusalReason.IdentityRevoked, message);
    if (!record) {
      throw revoked(`agent ${identity.agentId} is not registered with this hub: re-join it`);
    }
    if (record.revokedAt) {
      throw revoked(
        `agent ${record.id} was revoked at ${record.revokedAt.toISOString()}: reset its state ` +
          "and join it again with a new token",
      );
    }
    const certificate = readCertificate(pem);
    const serials = [record.certificateSerial, record.previousCertificateSerial];
    if (!serials.includes(certificate.serialNumber)) {
      throw revoked(
        `agent ${record.id} presented a superseded certificate: another process renewed or ` +
          "re-joined with this identity; restart the agent to load its current state",
      );
    }
    return { record, certificate };
  }
}
