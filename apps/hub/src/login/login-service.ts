import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type { Logger } from "@warren/log";
import type { LoginServiceServer } from "@warren/proto";
import type { HubStore } from "@warren/store";

import { Refusal } from "../errors.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import { requestPublicKey } from "../join/agent-certificate.js";
import { JoinThrottle, peerAddress } from "../join/join-throttle.js";
import type { KubeNames } from "../kube/kube-names.js";
import type { ConnectorBook } from "./connector-book.js";
import type { LocalCredentials } from "./local-credentials.js";
import { completeLogin, refuseLocked, type LoginCompletionDeps } from "./login-completion.js";
import type { LoginSessions } from "./login-sessions.js";
import { badCredentials, type PasswordLogins } from "./password-logins.js";
import type { SsoLogins } from "./sso-logins.js";

/** Browser logins begun per address: each is kept in the store until it expires. */
const SSO_BEGIN_THROTTLE = { burst: 60, refillIntervalMs: 1_000, maxAddresses: 10_000 };

export interface LoginServiceDeps extends LoginCompletionDeps {
  store: HubStore;
  logger: Logger;
  connectors: ConnectorBook;
  credentials: LocalCredentials;
  ssoLogins: SsoLogins;
  loginSessions: LoginSessions;
  passwordLogins: PasswordLogins;
  kubeNames: KubeNames;
}

const sessionEnded = () =>
  new Refusal(
    status.UNAUTHENTICATED,
    RefusalReason.SessionEnded,
    "your login session ended (logged out, ended by an admin, or expired): run warren login",
  );

/** The same key in two encodings compares equal: PEM text differs only in line endings. */
const sameKey = (a: string, b: string) => a.replace(/\s+/g, "") === b.replace(/\s+/g, "");

/** LoginService: what needs no certificate (logins) and what needs only the session key. */
export function createLoginService(deps: LoginServiceDeps): LoginServiceServer {
  const log = deps.logger;
  const { store, credentials, clock } = deps;
  const begins = new JoinThrottle(SSO_BEGIN_THROTTLE);
  const passwords = deps.passwordLogins;

  return {
    getLoginOptions: unaryHandler(log, "GetLoginOptions", async () => ({
      connectors: (await deps.connectors.list()).map(({ spec }) => ({
        name: spec.name,
        kind: spec.kind,
        display: spec.display,
      })),
      localUsers: true,
      hubName: deps.kubeNames.hubName,
    })),

    beginSsoLogin: unaryHandler(log, "BeginSsoLogin", async (call) => {
      const { connector, csrPem, redirectUrl } = call.request;
      const address = peerAddress(call.getPeer());
      begins.admit(address, clock.now());
      begins.failed(address, clock.now());
      const publicKeyPem = requestPublicKey(csrPem);
      return deps.ssoLogins.begin(connector, publicKeyPem, redirectUrl, address);
    }),

    finishSsoLogin: unaryHandler(log, "FinishSsoLogin", (call) => {
      const abort = new AbortController();
      call.on("cancelled", () => {
        abort.abort();
      });
      return deps.ssoLogins.finish(call.request.requestId, call.request.waitMs, abort.signal);
    }),

    passwordLogin: unaryHandler(log, "PasswordLogin", async (call) => {
      const { user: name, password, csrPem } = call.request;
      const publicKeyPem = requestPublicKey(csrPem);
      const address = peerAddress(call.getPeer());
      const user = await passwords.check(name, password, address);
      return { login: await completeLogin(deps, user, "password", publicKeyPem, address) };
    }),

    acceptInvite: unaryHandler(log, "AcceptInvite", async (call) => {
      const { user: name, invite, newPassword, csrPem } = call.request;
      const publicKeyPem = requestPublicKey(csrPem);
      const address = peerAddress(call.getPeer());
      const user = await passwords.localUser(name);
      if (user) refuseLocked(user, clock.now());
      await passwords.counted(address, () => credentials.acceptInvite(name, invite, newPassword));
      if (!user) throw badCredentials();
      return { login: await completeLogin(deps, user, "invite", publicKeyPem, address) };
    }),

    renewLogin: unaryHandler(log, "RenewLogin", async (call) => {
      const session = await deps.loginSessions.get(call.request.sessionId);
      if (!session) throw sessionEnded();
      if (!sameKey(requestPublicKey(call.request.csrPem), session.publicKeyPem)) {
        throw new Refusal(
          status.PERMISSION_DENIED,
          RefusalReason.NotAllowed,
          "the renewal is not for the key this session was issued to: run warren login",
        );
      }
      const user = await store.users.get(session.user);
      if (user?.uid !== session.uid) throw sessionEnded();
      refuseLocked(user, deps.clock.now());
      const login = deps.loginSessions.issue(session, user);
      if (!login) throw sessionEnded();
      return { login };
    }),
  };
}
