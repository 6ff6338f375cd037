import { X509Certificate } from "node:crypto";

import { status, type ServerUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import {
  describeIdentity,
  IdentityError,
  readIdentity,
  type WarrenIdentity,
} from "@warren/identity";
import { PkiError, readCertificate, verifyIssuedBy, type CertificateInfo } from "@warren/pki";
import type { AgentRecord, HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import { refuse, Refusal } from "../errors.js";

/** Any server call: only its TLS peer matters here. */
export type ServerSurfaceCall = Pick<ServerUnaryCall<unknown, unknown>, "getAuthContext">;

export interface AuthenticatedAgent {
  record: AgentRecord;
  certificate: CertificateInfo;
}

/** Who is calling, from the client certificate grpc-js verified against the hub's CA. */
export class PeerAuthenticator {
  constructor(
    private readonly caPem: string,
    private readonly store: HubStore,
    private readonly clock: Clock,
  ) {}

  private identify(call: ServerSurfaceCall): { identity: WarrenIdentity; pem: string } {
    // grpc-js reports a certificate only when it verified against the hub's CA.
    const raw = call.getAuthContext().sslPeerCertificate?.raw;
    if (raw === undefined) {
      throw refuse.unauthenticated(
        "no client certificate from this hub's CA: this call needs the identity the hub " +
          "issued (if the hub's data directory was reset, its CA changed and old identities " +
          "are void)",
      );
    }
    const pem = new X509Certificate(raw).toString();
    try {
      verifyIssuedBy(pem, this.caPem, this.clock.now());
      return { identity: readIdentity(pem), pem };
    } catch (error) {
      if (error instanceof PkiError || error instanceof IdentityError) {
        throw refuse.unauthenticated(`client certificate refused: ${error.message}`);
      }
      throw error;
    }
  }

  admin(call: ServerSurfaceCall): string {
    const { identity } = this.identify(call);
    if (identity.kind !== "admin") {
      throw refuse.notAllowed(`${describeIdentity(identity)} may not use the admin API`);
    }
    return identity.name;
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
