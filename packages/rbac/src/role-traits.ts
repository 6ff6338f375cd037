import type { Role, RoleConditions } from "./role-document.js";
import { expandValues, type Traits } from "./trait-template.js";

const expandConditions = (conditions: RoleConditions, traits: Traits): RoleConditions => ({
  ...conditions,
  kubernetesGroups: expandValues(conditions.kubernetesGroups, traits),
  kubernetesUsers: expandValues(conditions.kubernetesUsers, traits),
});

/**
 * The role as it applies to one user: {{external.NAME}} in groups and users replaced by that
 * user's traits. A role without templates is returned as it is (its compiled matchers stay).
 */
export function applyTraits(role: Role, traits: Traits): Role {
  if (!role.templated) return role;
  return {
    ...role,
    allow: expandConditions(role.allow, traits),
    deny: expandConditions(role.deny, traits),
    templated: false,
  };
}
