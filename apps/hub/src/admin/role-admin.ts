import { status, type handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type {
  ApplyRoleRequest,
  ApplyRoleResponse,
  DeleteRoleRequest,
  DeleteRoleResponse,
  ListRolesRequest,
  ListRolesResponse,
  RoleInfo,
} from "@warren/proto";
import { parseRoleDocument, RbacError, type Role } from "@warren/rbac";
import type { HubStore, RoleRecord } from "@warren/store";

import { announce } from "../replicas/apply-change.js";
import { refuse, Refusal } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import type { AccessWatch } from "../kube/kube-sessions.js";
import type { RoleBook } from "../kube/user-roles.js";

export interface RoleAdminDeps extends AdminHandlerDeps {
  store: HubStore;
  roleBook: RoleBook;
  /** Ends the open sessions a change takes away. */
  sessions: AccessWatch;
}

/** Most role files are a few hundred bytes; this is room for any sane one. */
const MAX_ROLE_DOCUMENT_BYTES = 64 * 1024;

function roleInfo(record: RoleRecord, role: Role): RoleInfo {
  return {
    name: record.name,
    description: role.description ?? "",
    document: record.document,
    createdAtUnixMs: record.createdAt.getTime(),
    updatedAtUnixMs: record.updatedAt.getTime(),
    labels: role.labels ?? {},
  };
}

function parse(document: string): Role {
  if (Buffer.byteLength(document) > MAX_ROLE_DOCUMENT_BYTES)
    throw refuse.invalid(`the role document is larger than ${MAX_ROLE_DOCUMENT_BYTES} bytes`);
  try {
    return parseRoleDocument(document, "the role document");
  } catch (error) {
    if (error instanceof RbacError) throw refuse.invalid(error.message);
    throw error;
  }
}

export interface RoleAdmin {
  applyRole: handleUnaryCall<ApplyRoleRequest, ApplyRoleResponse>;
  listRoles: handleUnaryCall<ListRolesRequest, ListRolesResponse>;
  deleteRole: handleUnaryCall<DeleteRoleRequest, DeleteRoleResponse>;
}

export function roleAdmin(deps: RoleAdminDeps): RoleAdmin {
  const { store, roleBook, clock, sessions, logger: log } = deps;
  return {
    applyRole: adminHandler(
      deps,
      "ApplyRole",
      async (call, admin) => {
        const role = parse(call.request.document);
        const now = clock.now();
        const existing = await store.roles.get(role.name);
        const record: RoleRecord = {
          name: role.name,
          document: call.request.document,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        const created = await store.roles.upsert(record);
        // Whoever holds it may now reach less: their open sessions are checked again.
        const ended = created ? 0 : await sessions.recheck({});
        if (!created) await announce(store, log, { kind: "roles" });
        log.info(
          { role: role.name, admin, created, sessionsEnded: ended },
          created ? "role created" : "role updated",
        );
        return { role: roleInfo(record, role), created };
      },
      (_request, response) => ({
        verb: response?.created === false ? "update" : "create",
        resource: "roles",
        name: response?.role?.name ?? "",
      }),
    ),

    listRoles: adminHandler(deps, "ListRoles", async () => {
      const records = await store.roles.list();
      return { roles: records.map((record) => roleInfo(record, roleBook.parse(record))) };
    }),

    deleteRole: adminHandler(
      deps,
      "DeleteRole",
      async (call, admin) => {
        const { name } = call.request;
        // The store checks holders and deletes in one transaction: no replica can assign
        // the role in between.
        const deletion = await store.roles.delete(name);
        if (deletion.outcome === "assigned") {
          throw new Refusal(
            status.FAILED_PRECONDITION,
            RefusalReason.InvalidRequest,
            `role ${name} is held by ${deletion.holders.join(", ")}: change their roles ` +
              "first (warrenctl users update NAME --roles …)",
          );
        }
        if (deletion.outcome === "missing") {
          throw refuse.notFound(`there is no role ${name} (see warrenctl roles ls)`);
        }
        log.info({ role: name, admin }, "role deleted");
        return {};
      },
      (request) => ({ verb: "delete", resource: "roles", name: request.name }),
    ),
  };
}
