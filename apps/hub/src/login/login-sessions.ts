import { randomBytes } from "node:crypto";

import { identityUri } from "@warren/identity";
import type { Logger } from "@warren/log";
import { issueCertificate, readCertificate } from "@warren/pki";
import type { LoginResult } from "@warren/proto";
import type { Role } from "@warren/rbac";
import type { HubStore, UserRecord } from "@warren/store";

import type { HubAuthorities } from "../ca/hub-authorities.js";
import type { Clock } from "../clock.js";
import type { KubeNames } from "../kube/kube-names.js";
import type { AccessWatch } from "../kube/kube-sessions.js";
import { announce } from "../replicas/apply-change.js";
import {
  LOGIN_SESSION_KIND,
  sessionFromJson,
  sessionToJson,
  type LoginSession,
} from "./login-session-record.js";

export interface LoginSessionsOptions {
  store: HubStore;
  authorities: HubAuthorities;
  clock: Clock;
  logger: Logger;
  sessions: AccessWatch;
  kubeNames: KubeNames;
  kubeUrl: () => string;
  /** The longest any login lasts, whatever the roles allow. */
  sessionMaxTtlMs: number;
  /** Each certificate's life within the session; the credential plugin renews it. */
  certificateTtlMs: number;
}

/** Opens, renews and ends login sessions; issues their short-lived certificates. */
export class LoginSessions {
  constructor(private readonly options: LoginSessionsOptions) {}

  /** A session lasts the lesser of the hub's cap and every role's max_session_ttl. */
  sessionTtlMs(roles: readonly Role[]): number {
    return Math.min(
      this.options.sessionMaxTtlMs,
      ...roles.map((r) => r.maxSessionTtlMs ?? Infinity),
    );
  }

  async open(
    user: UserRecord,
    roles: readonly Role[],
    method: string,
    publicKeyPem: string,
    source: string,
    webSecretHash?: string,
  ): Promise<LoginSession> {
    const now = this.options.clock.now();
    const session: LoginSession = {
      id: randomBytes(16).toString("hex"),
      user: user.name,
      uid: user.uid,
      method,
      publicKeyPem,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.sessionTtlMs(roles)),
      source,
      ...(webSecretHash === undefined ? {} : { webSecretHash }),
    };
    await this.options.store.documents.create({
      kind: LOGIN_SESSION_KIND,
      name: session.id,
      body: sessionToJson(session),
      expiresAt: session.expiresAt,
      updatedAt: now,
    });
    this.options.logger.info(
      {
        user: user.name,
        session: session.id,
        method,
        expiresAt: session.expiresAt.toISOString(),
        source,
      },
      "login session opened",
    );
    return session;
  }

  async get(id: string): Promise<LoginSession | undefined> {
    const document = await this.options.store.documents.get(
      LOGIN_SESSION_KIND,
      id,
      this.options.clock.now(),
    );
    return document && sessionFromJson(document.body);
  }

  /** Open sessions, of one user or of all, oldest first. */
  async list(user?: string): Promise<LoginSession[]> {
    const documents = await this.options.store.documents.list(
      LOGIN_SESSION_KIND,
      this.options.clock.now(),
    );
    return documents
      .map((d) => sessionFromJson(d.body))
      .filter((s) => user === undefined || s.user === user)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** Ends sessions of a user (one, or all): their certificates stop at once, here and elsewhere. */
  async end(user: string, id?: string): Promise<number> {
    const targets = (await this.list(user)).filter((s) => id === undefined || s.id === id);
    let ended = 0;
    for (const session of targets) {
      if (await this.options.store.documents.delete(LOGIN_SESSION_KIND, session.id)) ended++;
    }
    if (ended > 0) {
      this.options.logger.info({ user, sessions: ended }, "login sessions ended");
      await announce(this.options.store, this.options.logger, { kind: "users", names: [user] });
      await this.options.sessions.recheck({ users: [user] });
    }
    return ended;
  }

  /** A certificate for the session's key, living until the next renewal or the session's end. */
  /**
   * A certificate for the session's key, to the session's end at most. Undefined when the
   * session has ended by `now` (it may end between being read and this call).
   */
  issue(
    session: LoginSession,
    user: UserRecord,
    now = this.options.clock.now(),
  ): LoginResult | undefined {
    const { authorities, certificateTtlMs, kubeNames } = this.options;
    const validityMs = Math.min(certificateTtlMs, session.expiresAt.getTime() - now.getTime());
    if (validityMs <= 0) return undefined;
    const certificatePem = issueCertificate({
      ca: authorities.view.clientIssuer,
      publicKeyPem: session.publicKeyPem,
      subject: { commonName: user.name },
      uris: [identityUri({ kind: "user", name: user.name, uid: user.uid, session: session.id })],
      usages: ["clientAuth"],
      validityMs,
      now,
    });
    return {
      user: user.name,
      roles: user.roles,
      certificatePem,
      caCertificatePems: authorities.view.trusted,
      certificateExpiresAtUnixMs: readCertificate(certificatePem).notAfter.getTime(),
      sessionId: session.id,
      sessionExpiresAtUnixMs: session.expiresAt.getTime(),
      kubeUrl: this.options.kubeUrl(),
      hubName: kubeNames.hubName,
      kubeServerName: kubeNames.kubeServerName,
    };
  }
}
