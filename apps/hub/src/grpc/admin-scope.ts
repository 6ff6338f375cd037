import { refuse } from "../errors.js";
import type { AuthenticatedAdmin } from "./peer-authenticator.js";

/**
 * What an admin of scope "resources" (warren-operator) may call: the resources it reconciles
 * and the hub's public facts. Not tokens, clusters, agents, certificates, admins or the audit
 * log: a stolen operator identity reaches no further than the custom resources could.
 */
const RESOURCE_METHODS = new Set([
  "ApplyRole",
  "ListRoles",
  "DeleteRole",
  "CreateUser",
  "UpdateUser",
  "ListUsers",
  "DeleteUser",
  "ApplyConnector",
  "ListConnectors",
  "DeleteConnector",
  "ApplyProvisionToken",
  "ListProvisionTokens",
  "DeleteProvisionToken",
  "GetHubInfo",
]);

/** Refuses a call outside the caller's scope, naming both. */
export function checkAdminScope(caller: AuthenticatedAdmin, method: string): void {
  if (caller.scope === undefined || RESOURCE_METHODS.has(method)) return;
  throw refuse.notAllowed(
    `admin ${caller.name} has scope ${caller.scope} (users, roles, connectors and provision ` +
      `tokens only) and may not call ${method}: use a full admin (warrenctl tokens add --type admin)`,
  );
}
