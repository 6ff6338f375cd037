import { randomUUID } from "node:crypto";

import { status, type handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { validatePrincipalName } from "@warren/identity";
import { announce } from "../replicas/apply-change.js";
import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserRequest,
  DeleteUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  LockUserRequest,
  LockUserResponse,
  UnlockUserRequest,
  UnlockUserResponse,
  UpdateUserRequest,
  UpdateUserResponse,
  UserInfo,
} from "@warren/proto";
import { lockInForce, type HubStore, type UserRecord } from "@warren/store";

import { refuse, Refusal, validIdentityInput } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import type { AccessWatch } from "../kube/kube-sessions.js";
import type { LocalCredentials } from "../login/local-credentials.js";
import type { LoginSessions } from "../login/login-sessions.js";
import { originFromLabels, userLabels } from "./user-origin.js";

export interface UserAdminDeps extends AdminHandlerDeps {
  store: HubStore;
  credentials: LocalCredentials;
  loginSessions: LoginSessions;
  /** Ends the open sessions a change takes away. */
  sessions: AccessWatch;
}

export function userInfo(user: UserRecord, now: Date, hasPassword = false): UserInfo {
  const lock = lockInForce(user.lock, now) ? user.lock : undefined;
  return {
    name: user.name,
    roles: user.roles,
    createdAtUnixMs: user.createdAt.getTime(),
    updatedAtUnixMs: user.updatedAt.getTime(),
    lock: lock && {
      reason: lock.reason,
      lockedBy: lock.lockedBy,
      lockedAtUnixMs: lock.lockedAt.getTime(),
      expiresAtUnixMs: lock.expiresAt?.getTime() ?? 0,
    },
    origin: user.origin,
    hasPassword,
    labels: userLabels(user.origin),
  };
}

/** Roles must exist when given: a typo would otherwise grant nothing, silently. */
async function existingRoles(store: HubStore, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) throw refuse.invalid("roles: give the user at least one role");
  const unique = [...new Set(names)];
  const missing = [];
  for (const name of unique) if (!(await store.roles.get(name))) missing.push(name);
  if (missing.length > 0) {
    throw refuse.notFound(
      `no role ${missing.join(", ")}: create it first with warrenctl create -f ROLE.yaml ` +
        "(see warrenctl roles ls)",
    );
  }
  return unique;
}

const noUser = (name: string) =>
  refuse.notFound(`there is no user ${name} (see warrenctl users ls)`);
const onUser = (verb: string) => (request: { name: string }) => ({
  verb,
  resource: "users",
  name: request.name,
});

export interface UserAdmin {
  createUser: handleUnaryCall<CreateUserRequest, CreateUserResponse>;
  updateUser: handleUnaryCall<UpdateUserRequest, UpdateUserResponse>;
  listUsers: handleUnaryCall<ListUsersRequest, ListUsersResponse>;
  deleteUser: handleUnaryCall<DeleteUserRequest, DeleteUserResponse>;
  lockUser: handleUnaryCall<LockUserRequest, LockUserResponse>;
  unlockUser: handleUnaryCall<UnlockUserRequest, UnlockUserResponse>;
}

export function userAdmin(deps: UserAdminDeps): UserAdmin {
  const { store, clock, sessions, logger: log } = deps;
  return {
    createUser: adminHandler(
      deps,
      "CreateUser",
      async (call, admin) => {
        const name = validIdentityInput(() => validatePrincipalName(call.request.name));
        const origin = originFromLabels(call.request.labels);
        const roles = await existingRoles(store, call.request.roles);
        const now = clock.now();
        // A fresh uid: certificates of an earlier user of this name never work for this one.
        const user: UserRecord = {
          name,
          uid: randomUUID(),
          roles,
          lock: undefined,
          origin,
          traits: {},
          createdAt: now,
          updatedAt: now,
        };
        if (!(await store.users.create(user))) {
          throw new Refusal(
            status.ALREADY_EXISTS,
            RefusalReason.InvalidRequest,
            `user ${name} exists already: change its roles with warrenctl users update ${name} --roles …`,
          );
        }
        log.info({ user: name, roles, origin, admin }, "user created");
        if (call.request.withoutInvite)
          return { user: userInfo(user, now), invite: "", inviteExpiresAtUnixMs: 0 };
        const invite = await deps.credentials.invite(name);
        return {
          user: userInfo(user, now),
          invite: invite.secret,
          inviteExpiresAtUnixMs: invite.expiresAt.getTime(),
        };
      },
      onUser("create"),
    ),

    updateUser: adminHandler(
      deps,
      "UpdateUser",
      async (call, admin) => {
        const roles = await existingRoles(store, call.request.roles);
        const user = await store.users.setRoles(call.request.name, roles, clock.now());
        if (!user) throw noUser(call.request.name);
        const ended = await sessions.recheck({ users: [user.name] });
        await announce(store, log, { kind: "users", names: [user.name] });
        log.info({ user: user.name, roles, admin, sessionsEnded: ended }, "user roles changed");
        return { user: userInfo(user, clock.now()) };
      },
      onUser("update"),
    ),

    listUsers: adminHandler(deps, "ListUsers", async () => {
      const [users, withPassword] = await Promise.all([
        store.users.list(),
        deps.credentials.usersWithPassword(),
      ]);
      return { users: users.map((u) => userInfo(u, clock.now(), withPassword.has(u.name))) };
    }),

    deleteUser: adminHandler(
      deps,
      "DeleteUser",
      async (call, admin) => {
        const { name } = call.request;
        if (!(await store.users.delete(name))) throw noUser(name);
        await deps.credentials.forget(name);
        await deps.loginSessions.end(name);
        // Certificates signed for the user stop working at their next request, and the
        // sessions open now end.
        const ended = await sessions.recheck({ users: [name] });
        await announce(store, log, { kind: "users", names: [name] });
        log.info({ user: name, admin, sessionsEnded: ended }, "user deleted");
        return {};
      },
      onUser("delete"),
    ),

    lockUser: adminHandler(
      deps,
      "LockUser",
      async (call, admin) => {
        const { name, reason, ttlMs } = call.request;
        const now = clock.now();
        const expiresAt = ttlMs > 0 ? new Date(now.getTime() + ttlMs) : undefined;
        const lock = { reason, lockedBy: admin, lockedAt: now, expiresAt };
        const user = await store.users.setLock(name, lock, now);
        if (!user) throw noUser(name);
        const ended = await sessions.recheck({ users: [name] });
        await announce(store, log, { kind: "users", names: [name] });
        log.info({ user: name, admin, reason, sessionsEnded: ended }, "user locked");
        return { user: userInfo(user, clock.now()), sessionsEnded: ended };
      },
      onUser("lock"),
    ),

    unlockUser: adminHandler(
      deps,
      "UnlockUser",
      async (call, admin) => {
        const user = await store.users.setLock(call.request.name, undefined, clock.now());
        if (!user) throw noUser(call.request.name);
        log.info({ user: user.name, admin }, "user unlocked");
        return { user: userInfo(user, clock.now()) };
      },
      onUser("unlock"),
    ),
  };
}
