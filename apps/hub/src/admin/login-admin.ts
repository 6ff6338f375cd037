import type { handleUnaryCall } from "@grpc/grpc-js";
import type {
  AdminIdentityInfo,
  EndLoginSessionsRequest,
  EndLoginSessionsResponse,
  InviteUserRequest,
  InviteUserResponse,
  ListAdminsRequest,
  ListAdminsResponse,
  ListLoginSessionsRequest,
  ListLoginSessionsResponse,
  RevokeAdminRequest,
  RevokeAdminResponse,
} from "@warren/proto";
import type { HubStore } from "@warren/store";

import { refuse } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import type { AdminIdentity } from "../grpc/admin-identities.js";
import type { LocalCredentials } from "../login/local-credentials.js";
import type { LoginSessions } from "../login/login-sessions.js";
import { sessionInfo } from "../login/user-service.js";
import { logsInWithPassword } from "./user-origin.js";

export interface LoginAdminDeps extends AdminHandlerDeps {
  store: HubStore;
  credentials: LocalCredentials;
  loginSessions: LoginSessions;
}

const adminInfo = (admin: AdminIdentity): AdminIdentityInfo => ({
  name: admin.name,
  firstSeenUnixMs: admin.firstSeen.getTime(),
  lastIssuedUnixMs: admin.lastIssued.getTime(),
  revokedAtUnixMs: admin.revokedAt?.getTime() ?? 0,
});

export interface LoginAdmin {
  inviteUser: handleUnaryCall<InviteUserRequest, InviteUserResponse>;
  listLoginSessions: handleUnaryCall<ListLoginSessionsRequest, ListLoginSessionsResponse>;
  endLoginSessions: handleUnaryCall<EndLoginSessionsRequest, EndLoginSessionsResponse>;
  listAdmins: handleUnaryCall<ListAdminsRequest, ListAdminsResponse>;
  revokeAdmin: handleUnaryCall<RevokeAdminRequest, RevokeAdminResponse>;
}

/** Invites, login sessions and admin identities. */
export function loginAdmin(deps: LoginAdminDeps): LoginAdmin {
  const { store, credentials, loginSessions, authenticator, logger: log } = deps;
  return {
    inviteUser: adminHandler(
      deps,
      "InviteUser",
      async (call, admin) => {
        const user = await store.users.get(call.request.name);
        if (!user)
          throw refuse.notFound(`there is no user ${call.request.name} (see warrenctl users ls)`);
        if (!logsInWithPassword(user.origin)) {
          throw refuse.invalid(
            `user ${user.name} logs in through ${user.origin}: it has no password to set`,
          );
        }
        const invite = await credentials.invite(user.name);
        log.info({ user: user.name, admin }, "invite issued");
        return { invite: invite.secret, inviteExpiresAtUnixMs: invite.expiresAt.getTime() };
      },
      (request) => ({ verb: "invite", resource: "users", name: request.name }),
    ),

    listLoginSessions: adminHandler(deps, "ListLoginSessions", async (call) => ({
      sessions: (await loginSessions.list(call.request.user || undefined)).map(sessionInfo),
    })),

    endLoginSessions: adminHandler(
      deps,
      "EndLoginSessions",
      async (call) => {
        const { user, sessionId } = call.request;
        if (user === "")
          throw refuse.invalid("user: whose sessions? (warrenctl users logout NAME)");
        const ended = await loginSessions.end(user, sessionId || undefined);
        if (sessionId !== "" && ended === 0) {
          throw refuse.notFound(
            `user ${user} has no open login session ${sessionId} (see warrenctl users sessions ${user})`,
          );
        }
        return { ended };
      },
      (request) => ({
        verb: "logout",
        resource: "sessions",
        name: request.sessionId || request.user,
      }),
    ),

    listAdmins: adminHandler(deps, "ListAdmins", async () => ({
      admins: (await authenticator.admins.list()).map(adminInfo),
    })),

    revokeAdmin: adminHandler(
      deps,
      "RevokeAdmin",
      async (call, admin) => {
        const { name } = call.request;
        if (name === admin) {
          throw refuse.invalid(`you are ${admin}: revoke yourself from another admin's warrenctl`);
        }
        const revoked = await authenticator.admins.revoke(name);
        if (!revoked) throw refuse.notFound(`there is no admin ${name} (see warrenctl admins ls)`);
        log.info({ revoked: name, admin }, "admin revoked");
        return { admin: adminInfo(revoked) };
      },
      (request) => ({ verb: "revoke", resource: "admins", name: request.name }),
    ),
  };
}
