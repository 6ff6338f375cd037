import { status, type handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { validatePrincipalName } from "@warren/identity";
import type { Logger } from "@warren/log";
import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserRequest,
  DeleteUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  UpdateUserRequest,
  UpdateUserResponse,
  UserInfo,
} from "@warren/proto";
import type { HubStore, UserRecord } from "@warren/store";

import type { Clock } from "../clock.js";
import { refuse, Refusal, validIdentityInput } from "../errors.js";
import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import { unaryHandler } from "../grpc/unary-handler.js";

export interface UserAdminDeps {
  store: HubStore;
  authenticator: PeerAuthenticator;
  clock: Clock;
  logger: Logger;
}

export const userInfo = (user: UserRecord): UserInfo => ({
  name: user.name,
  roles: user.roles,
  createdAtUnixMs: user.createdAt.getTime(),
  updatedAtUnixMs: user.updatedAt.getTime(),
});

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

export interface UserAdmin {
  createUser: handleUnaryCall<CreateUserRequest, CreateUserResponse>;
  updateUser: handleUnaryCall<UpdateUserRequest, UpdateUserResponse>;
  listUsers: handleUnaryCall<ListUsersRequest, ListUsersResponse>;
  deleteUser: handleUnaryCall<DeleteUserRequest, DeleteUserResponse>;
}

export function userAdmin(deps: UserAdminDeps): UserAdmin {
  const { store, authenticator, clock, logger: log } = deps;
  return {
    createUser: unaryHandler(log, "CreateUser", async (call) => {
      const admin = authenticator.admin(call);
      const name = validIdentityInput(() => validatePrincipalName(call.request.name));
      const roles = await existingRoles(store, call.request.roles);
      if (await store.users.get(name)) {
        throw new Refusal(
          status.ALREADY_EXISTS,
          RefusalReason.InvalidRequest,
          `user ${name} exists already: change its roles with warrenctl users update ${name} --roles …`,
        );
      }
      const now = clock.now();
      const user: UserRecord = { name, roles, createdAt: now, updatedAt: now };
      await store.users.upsert(user);
      log.info({ user: name, roles, admin }, "user created");
      return { user: userInfo(user) };
    }),

    updateUser: unaryHandler(log, "UpdateUser", async (call) => {
      const admin = authenticator.admin(call);
      const existing = await store.users.get(call.request.name);
      if (!existing)
        throw refuse.notFound(`there is no user ${call.request.name} (see warrenctl users ls)`);
      const roles = await existingRoles(store, call.request.roles);
      const user: UserRecord = { ...existing, roles, updatedAt: clock.now() };
      await store.users.upsert(user);
      log.info({ user: user.name, roles, admin }, "user roles changed");
      return { user: userInfo(user) };
    }),

    listUsers: unaryHandler(log, "ListUsers", async (call) => {
      authenticator.admin(call);
      return { users: (await store.users.list()).map(userInfo) };
    }),

    deleteUser: unaryHandler(log, "DeleteUser", async (call) => {
      const admin = authenticator.admin(call);
      if (!(await store.users.delete(call.request.name))) {
        throw refuse.notFound(`there is no user ${call.request.name} (see warrenctl users ls)`);
      }
      // Certificates already signed for the user stop working: the kube endpoint looks the
      // user up on every request.
      log.info({ user: call.request.name, admin }, "user deleted");
      return {};
    }),
  };
}
