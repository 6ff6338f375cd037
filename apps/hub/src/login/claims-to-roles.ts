import { compileValuePattern, type Traits } from "@warren/rbac";

import type { ClaimMapping, TeamMapping } from "./connector-document.js";

/** The roles a provider's claims earn, in the order the mappings name them, each once. */
export function rolesFromClaims(mappings: readonly ClaimMapping[], traits: Traits): string[] {
  const roles = new Set<string>();
  for (const mapping of mappings) {
    const matches = compileValuePattern(mapping.value);
    if ((traits[mapping.claim] ?? []).some(matches))
      for (const role of mapping.roles) roles.add(role);
  }
  return [...roles];
}

/** The roles GitHub team memberships earn; teams are "org/team-slug" in the traits. */
export function rolesFromTeams(
  mappings: readonly TeamMapping[],
  teams: readonly string[],
): string[] {
  const roles = new Set<string>();
  for (const mapping of mappings) {
    if (teams.includes(`${mapping.organization}/${mapping.team}`)) {
      for (const role of mapping.roles) roles.add(role);
    }
  }
  return [...roles];
}

/**
 * Claims as traits: every value a string (numbers and booleans as text), lists flattened,
 * objects skipped; a role reads them as {{external.NAME}}.
 */
export function traitsFromClaims(
  claims: Readonly<Record<string, unknown>>,
): Record<string, string[]> {
  const traits: Record<string, string[]> = {};
  const scalar = (v: unknown): string | undefined =>
    typeof v === "string"
      ? v
      : typeof v === "number" || typeof v === "boolean"
        ? String(v)
        : undefined;
  for (const [name, value] of Object.entries(claims)) {
    const values = (Array.isArray(value) ? value : [value])
      .map(scalar)
      .filter((v) => v !== undefined);
    if (values.length > 0) traits[name] = values;
  }
  return traits;
}
