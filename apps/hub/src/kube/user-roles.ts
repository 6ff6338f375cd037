import { parseRoleDocument, type Role } from "@warren/rbac";
import type { HubStore, UserRecord } from "@warren/store";

/**
 * The user's roles as they are now. Read per request so that a role change applies to the
 * next one; a role removed since the user was given it simply no longer grants anything.
 */
export async function rolesOf(store: HubStore, user: UserRecord): Promise<Role[]> {
  const records = await Promise.all(user.roles.map((name) => store.roles.get(name)));
  return records
    .filter((record) => record !== undefined)
    .map((record) => parseRoleDocument(record.document, `role ${record.name}`));
}
