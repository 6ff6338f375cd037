import { ORIGIN_KUBERNETES, ORIGIN_LABEL } from "@warren/config";

import { refuse } from "../errors.js";

/**
 * A user's origin: "" for one an admin made, "kubernetes" for one warren-operator manages,
 * "KIND/NAME" for one an SSO connector made. The first two log in with a password.
 */
export const logsInWithPassword = (origin: string): boolean =>
  origin === "" || origin === ORIGIN_KUBERNETES;

/** The labels listings show: the operator's origin mark, as on roles and connectors. */
export const userLabels = (origin: string): Record<string, string> =>
  origin === ORIGIN_KUBERNETES ? { [ORIGIN_LABEL]: ORIGIN_KUBERNETES } : {};

/** The origin a CreateUser asks for: only the operator's mark is a label users may carry. */
export function originFromLabels(labels: Record<string, string>): string {
  for (const [key, value] of Object.entries(labels)) {
    if (key !== ORIGIN_LABEL || value !== ORIGIN_KUBERNETES) {
      throw refuse.invalid(
        `label ${key}=${value}: users carry only ${ORIGIN_LABEL}=${ORIGIN_KUBERNETES} ` +
          "(set by warren-operator); put other attributes in roles",
      );
    }
  }
  return Object.keys(labels).length > 0 ? ORIGIN_KUBERNETES : "";
}
