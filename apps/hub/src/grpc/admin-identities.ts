import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { CLOCK_SKEW_ALLOWANCE_MS } from "@warren/pki";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";

const ADMIN_KIND = "admin";

/** An admin name as the hub has seen it issued and used. */
export interface AdminIdentity {
  name: string;
  firstSeen: Date;
  lastIssued: Date;
  /** Certificates issued up to this time are refused. */
  revokedAt: Date | undefined;
}

interface AdminJson {
  firstSeenMs: number;
  lastIssuedMs: number;
  revokedAtMs?: number;
}

const fromJson = (name: string, body: string): AdminIdentity => {
  const json = JSON.parse(body) as AdminJson;
  return {
    name,
    firstSeen: new Date(json.firstSeenMs),
    lastIssued: new Date(json.lastIssuedMs),
    revokedAt: json.revokedAtMs === undefined ? undefined : new Date(json.revokedAtMs),
  };
};

const toJson = (identity: AdminIdentity): string => {
  const json: AdminJson = {
    firstSeenMs: identity.firstSeen.getTime(),
    lastIssuedMs: identity.lastIssued.getTime(),
  };
  if (identity.revokedAt) json.revokedAtMs = identity.revokedAt.getTime();
  return JSON.stringify(json);
};

/** When a certificate was issued: its notBefore is backdated by the skew allowance. */
export const issuedAt = (notBefore: Date): Date =>
  new Date(notBefore.getTime() + CLOCK_SKEW_ALLOWANCE_MS);

/**
 * Admin names and their revocation. Certificates are not listed one by one: revoking a name
 * refuses every certificate issued to it until then; a later enrolment works again.
 */
export class AdminIdentities {
  constructor(
    private readonly store: HubStore,
    private readonly clock: Clock,
  ) {}

  async get(name: string): Promise<AdminIdentity | undefined> {
    const document = await this.store.documents.get(ADMIN_KIND, name, this.clock.now());
    return document && fromJson(name, document.body);
  }

  async list(): Promise<AdminIdentity[]> {
    const documents = await this.store.documents.list(ADMIN_KIND, this.clock.now());
    return documents.map((d) => fromJson(d.name, d.body));
  }

  private async write(identity: AdminIdentity): Promise<void> {
    await this.store.documents.put({
      kind: ADMIN_KIND,
      name: identity.name,
      body: toJson(identity),
      expiresAt: undefined,
      updatedAt: this.clock.now(),
    });
  }

  /** A certificate was issued to the name (an enrolment, the local admin profile). */
  async issued(name: string, at: Date): Promise<void> {
    const known = await this.get(name);
    await this.write({
      name,
      firstSeen: known?.firstSeen ?? at,
      lastIssued: at,
      revokedAt: known?.revokedAt,
    });
  }

  /** Refuses a certificate issued at or before the name's revocation. */
  async check(name: string, certificateIssuedAt: Date): Promise<void> {
    const known = await this.get(name);
    // Certificates from before admins were recorded are recorded at their first use.
    if (!known) return this.issued(name, certificateIssuedAt);
    if (known.revokedAt && certificateIssuedAt <= known.revokedAt) {
      throw new Refusal(
        status.PERMISSION_DENIED,
        RefusalReason.IdentityRevoked,
        `admin ${name} was revoked at ${known.revokedAt.toISOString()}: enrol again with a new ` +
          "admin token (warrenctl tokens add --type admin, then warrenctl auth login)",
      );
    }
  }

  async revoke(name: string): Promise<AdminIdentity | undefined> {
    const known = await this.get(name);
    if (!known) return undefined;
    const revoked = { ...known, revokedAt: this.clock.now() };
    await this.write(revoked);
    return revoked;
  }
}
