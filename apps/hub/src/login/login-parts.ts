import type { Logger } from "@warren/log";
import type { HubStore } from "@warren/store";

import type { AuditWriter } from "../audit/audit-writer.js";
import type { HubAuthorities } from "../ca/hub-authorities.js";
import type { Clock } from "../clock.js";
import type { HubConfig } from "../config/hub-config.js";
import type { KubeNames } from "../kube/kube-names.js";
import type { AccessWatch } from "../kube/kube-sessions.js";
import type { RoleBook } from "../kube/user-roles.js";
import { ConnectorBook } from "./connector-book.js";
import { LocalCredentials } from "./local-credentials.js";
import { LoginSessions } from "./login-sessions.js";
import { PasswordLogins } from "./password-logins.js";
import { completeSsoLogin, completeSsoWebLogin } from "./sso-completion.js";
import { SsoLogins } from "./sso-logins.js";

export interface LoginPartsDeps {
  config: HubConfig;
  store: HubStore;
  authorities: HubAuthorities;
  clock: Clock;
  logger: Logger;
  roleBook: RoleBook;
  audit: AuditWriter;
  sessions: AccessWatch;
  kubeNames: KubeNames;
  /** Known once the listeners have bound. */
  kubeUrl: () => string;
  loginCallbackUrl: () => string;
}

/** What people's logins are made of, wired once for the services and the web address. */
export interface LoginParts {
  connectors: ConnectorBook;
  credentials: LocalCredentials;
  loginSessions: LoginSessions;
  ssoLogins: SsoLogins;
  passwordLogins: PasswordLogins;
}

export function createLoginParts(deps: LoginPartsDeps): LoginParts {
  const { config, store, clock } = deps;
  const logger = deps.logger.child("login");
  const connectors = new ConnectorBook(store, clock);
  const loginSessions = new LoginSessions({
    store,
    authorities: deps.authorities,
    clock,
    logger,
    sessions: deps.sessions,
    kubeNames: deps.kubeNames,
    kubeUrl: deps.kubeUrl,
    sessionMaxTtlMs: config.loginSessionMaxTtlMs,
    certificateTtlMs: config.loginCertificateTtlMs,
  });
  const credentials = new LocalCredentials({
    store,
    clock,
    logger,
    maxFailures: config.loginMaxFailures,
    lockoutMs: config.loginLockoutMs,
    inviteTtlMs: config.inviteTtlMs,
  });
  const completion = { ...deps, logger, loginSessions };
  const ssoLogins = new SsoLogins({
    store,
    clock,
    logger,
    connectors,
    callbackUrl: deps.loginCallbackUrl,
    complete: (spec, identity, publicKeyPem, source) =>
      completeSsoLogin(completion, spec, identity, publicKeyPem, source),
    completeWeb: (spec, identity, source) =>
      completeSsoWebLogin(completion, spec, identity, source),
  });
  const passwordLogins = new PasswordLogins(store, credentials, clock);
  return { connectors, credentials, loginSessions, ssoLogins, passwordLogins };
}
