import { randomUUID } from "node:crypto";

import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { IdentityError, validatePrincipalName } from "@warren/identity";
import type { Logger } from "@warren/log";
import type { LoginResult } from "@warren/proto";
import type { HubStore, UserRecord } from "@warren/store";

import { Refusal } from "../errors.js";
import type { AccessWatch } from "../kube/kube-sessions.js";
import { announce } from "../replicas/apply-change.js";
import type { ConnectorSpec } from "./connector-document.js";
import { completeLogin, completeWebLogin, type LoginCompletionDeps } from "./login-completion.js";
import type { ProviderIdentity } from "./provider-identity.js";
import { ssoFailed } from "./sso-errors.js";

export interface SsoCompletionDeps extends LoginCompletionDeps {
  store: HubStore;
  logger: Logger;
  sessions: AccessWatch;
}

const MAX_TRAITS = 64;
const MAX_TRAIT_VALUES = 256;
const MAX_VALUE_LENGTH = 512;

/** A provider may send much; the store keeps a bounded copy of what roles can use. */
function boundedTraits(traits: Record<string, string[]>): Record<string, string[]> {
  const entries = Object.entries(traits).slice(0, MAX_TRAITS);
  return Object.fromEntries(
    entries.map(([name, values]) => [
      name,
      values.filter((v) => v.length <= MAX_VALUE_LENGTH).slice(0, MAX_TRAIT_VALUES),
    ]),
  );
}

function username(identity: ProviderIdentity, spec: ConnectorSpec): string {
  try {
    return validatePrincipalName(identity.username);
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    throw ssoFailed(
      `connector ${spec.name}: the provider's user name cannot name a Warren user: ${error.message}`,
    );
  }
}

/**
 * An identity from a connector becomes a Warren user: its claims map to roles (those that
 * exist), the user is created or updated as that connector's, and the login completes.
 */
async function ssoUser(
  deps: SsoCompletionDeps,
  spec: ConnectorSpec,
  identity: ProviderIdentity,
): Promise<UserRecord> {
  const name = username(identity, spec);
  const roles: string[] = [];
  for (const role of identity.roles) {
    if (await deps.store.roles.get(role)) roles.push(role);
    else
      deps.logger.warn(
        { connector: spec.name, role },
        "a connector maps to a role that does not exist",
      );
  }
  if (roles.length === 0) {
    throw new Refusal(
      status.PERMISSION_DENIED,
      RefusalReason.NoRolesMapped,
      `${name} logged in, but connector ${spec.name} maps none of their ` +
        `${spec.kind === "github" ? "teams" : "claims"} to a role on this hub: an admin adds a mapping ` +
        `(${spec.kind === "github" ? "teams_to_roles" : "claims_to_roles"}) or creates the role it names`,
    );
  }
  const origin = `${spec.kind}/${spec.name}`;
  const now = deps.clock.now();
  const user = await deps.store.users.upsertExternal({
    name,
    uid: randomUUID(),
    roles,
    lock: undefined,
    origin,
    traits: boundedTraits(identity.traits),
    createdAt: now,
    updatedAt: now,
  });
  if (!user) {
    throw new Refusal(
      status.PERMISSION_DENIED,
      RefusalReason.NotAllowed,
      `a user named ${name} exists on this hub already and was not made by connector ${spec.name}: ` +
        `an admin removes it (warrenctl users rm ${name}) or the connector names users by another claim`,
    );
  }
  // Roles or traits may have changed: open sessions of this user follow at once.
  await announce(deps.store, deps.logger, { kind: "users", names: [name] });
  await deps.sessions.recheck({ users: [name] });
  return user;
}

export async function completeSsoLogin(
  deps: SsoCompletionDeps,
  spec: ConnectorSpec,
  identity: ProviderIdentity,
  publicKeyPem: string,
  source: string,
): Promise<LoginResult> {
  const user = await ssoUser(deps, spec, identity);
  return completeLogin(deps, user, user.origin, publicKeyPem, source);
}

/** The same login for the web console: the cookie value of its session. */
export async function completeSsoWebLogin(
  deps: SsoCompletionDeps,
  spec: ConnectorSpec,
  identity: ProviderIdentity,
  source: string,
): Promise<string> {
  const user = await ssoUser(deps, spec, identity);
  return completeWebLogin(deps, user, user.origin, source);
}
