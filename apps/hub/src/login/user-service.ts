import type { Logger } from "@warren/log";
import type { LoginSessionInfo, UserServiceServer } from "@warren/proto";
import type { HubStore } from "@warren/store";

import { refuse } from "../errors.js";
import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import { reachableClusters } from "../kube/cluster-directory.js";
import type { RoleBook } from "../kube/user-roles.js";
import type { AgentRegistry } from "../tunnel/agent-registry.js";
import type { LoginSession } from "./login-session-record.js";
import type { LoginSessions } from "./login-sessions.js";

export interface UserServiceDeps {
  store: HubStore;
  logger: Logger;
  authenticator: PeerAuthenticator;
  roleBook: RoleBook;
  registry: AgentRegistry;
  loginSessions: LoginSessions;
}

export const sessionInfo = (session: LoginSession): LoginSessionInfo => ({
  id: session.id,
  user: session.user,
  method: session.method,
  createdAtUnixMs: session.createdAt.getTime(),
  expiresAtUnixMs: session.expiresAt.getTime(),
  source: session.source,
});

/** UserService: a user's certificate sees what that user may reach, and their own sessions. */
export function createUserService(deps: UserServiceDeps): UserServiceServer {
  const log = deps.logger;
  const { authenticator, loginSessions } = deps;

  return {
    whoAmI: unaryHandler(log, "WhoAmI", async (call) => {
      const { user, session } = await authenticator.user(call);
      const open = session === undefined ? undefined : await loginSessions.get(session);
      return {
        user: user.name,
        roles: user.roles,
        origin: user.origin,
        traits: Object.fromEntries(
          Object.entries(user.traits).map(([k, values]) => [k, { values }]),
        ),
        session: open && sessionInfo(open),
      };
    }),

    listKubeClusters: unaryHandler(log, "ListKubeClusters", async (call) => {
      const { user } = await authenticator.user(call);
      const roles = await deps.roleBook.rolesOf(user);
      const clusters = await reachableClusters(deps.store, user.name, roles);
      return {
        clusters: clusters.map((cluster) => {
          const agents = deps.registry.inCluster(cluster.name);
          return {
            name: cluster.name,
            labels: { ...cluster.labels },
            health: agents.find((a) => a.health)?.health,
            agentsConnected: agents.length,
          };
        }),
      };
    }),

    listMyLoginSessions: unaryHandler(log, "ListMyLoginSessions", async (call) => {
      const { user } = await authenticator.user(call);
      return { sessions: (await loginSessions.list(user.name)).map(sessionInfo) };
    }),

    endMyLoginSession: unaryHandler(log, "EndMyLoginSession", async (call) => {
      const { user, session } = await authenticator.user(call);
      const id = call.request.sessionId || session;
      if (id === undefined)
        throw refuse.invalid("session_id: this certificate came from no login session");
      if ((await loginSessions.end(user.name, id)) === 0) {
        throw refuse.notFound(`you have no open login session ${id} (see warren status)`);
      }
      return {};
    }),
  };
}
