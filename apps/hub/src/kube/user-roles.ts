import { applyTraits, parseRoleDocument, type Role } from "@warren/rbac";
import type { HubStore, RoleRecord, UserRecord } from "@warren/store";

/**
 * Roles parsed once per version. The store is read on every request, so a role change
 * applies to the next one; the YAML is parsed (and its matchers compiled) only when a role's
 * updatedAt changes.
 */
export class RoleBook {
  private readonly parsed = new Map<string, { updatedAt: number; role: Role }>();
  /** A templated role as it applies to a user, per that user's version (traits change with it). */
  private readonly expanded = new WeakMap<Role, Map<string, Role>>();

  constructor(private readonly store: HubStore) {}

  /** The role a stored document describes. */
  parse(record: RoleRecord): Role {
    const cached = this.parsed.get(record.name);
    if (cached?.updatedAt === record.updatedAt.getTime()) return cached.role;
    const role = parseRoleDocument(record.document, `role ${record.name}`);
    this.parsed.set(record.name, { updatedAt: record.updatedAt.getTime(), role });
    return role;
  }

  /** The user's roles as they are now; one removed since simply grants nothing. */
  async rolesOf(user: UserRecord): Promise<Role[]> {
    const roles: Role[] = [];
    for (const name of user.roles) {
      const record = await this.store.roles.get(name);
      if (record) roles.push(this.forUser(this.parse(record), user));
      else this.parsed.delete(name);
    }
    return roles;
  }

  private forUser(role: Role, user: UserRecord): Role {
    if (!role.templated) return role;
    let byUser = this.expanded.get(role);
    if (byUser === undefined) {
      byUser = new Map();
      this.expanded.set(role, byUser);
    }
    const key = `${user.name}\0${user.uid}\0${String(user.updatedAt.getTime())}`;
    let applied = byUser.get(key);
    if (applied === undefined) {
      // Bounded: a busy hub sees many users; expanding again is cheap.
      if (byUser.size >= 1000) byUser.clear();
      applied = applyTraits(role, user.traits);
      byUser.set(key, applied);
    }
    return applied;
  }
}
