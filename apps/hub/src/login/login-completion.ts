import { createHash, randomBytes } from "node:crypto";

import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type { LoginResult } from "@warren/proto";
import { lockInForce, type UserRecord } from "@warren/store";

import { auditEvent } from "../audit/audit-event.js";
import type { AuditWriter } from "../audit/audit-writer.js";
import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";
import type { RoleBook } from "../kube/user-roles.js";
import type { LoginSessions } from "./login-sessions.js";

export interface LoginCompletionDeps {
  roleBook: RoleBook;
  loginSessions: LoginSessions;
  audit: AuditWriter;
  clock: Clock;
}

/** A locked user logs in no more than they reach clusters. */
export function refuseLocked(user: UserRecord, now: Date): void {
  if (!lockInForce(user.lock, now)) return;
  const until = user.lock.expiresAt ? ` until ${user.lock.expiresAt.toISOString()}` : "";
  throw new Refusal(
    status.PERMISSION_DENIED,
    RefusalReason.UserLocked,
    `user ${user.name} is locked${until} by ${user.lock.lockedBy}` +
      (user.lock.reason ? `: ${user.lock.reason}` : "") +
      ` (an admin lifts it with warrenctl users unlock ${user.name})`,
  );
}

export const webSecretHash = (secret: string) =>
  createHash("sha256").update(secret, "utf8").digest("hex");

async function openAudited(
  deps: LoginCompletionDeps,
  user: UserRecord,
  method: string,
  source: string,
  keys: { publicKeyPem: string; webSecretHash?: string },
) {
  refuseLocked(user, deps.clock.now());
  const roles = await deps.roleBook.rolesOf(user);
  const session = await deps.loginSessions.open(
    user,
    roles,
    method,
    keys.publicKeyPem,
    source,
    keys.webSecretHash,
  );
  deps.audit.add(
    auditEvent({
      kind: "login",
      time: deps.clock.now(),
      user: user.name,
      source,
      verb: "login",
      method: keys.webSecretHash === undefined ? method : `${method} (web console)`,
      resource: "sessions",
      name: session.id,
    }),
  );
  return session;
}

/**
 * A web console login: a login session like the CLI's (listed, ended and locked out the same
 * way) with no key; its cookie is the session id and a secret only the browser holds.
 */
export async function completeWebLogin(
  deps: LoginCompletionDeps,
  user: UserRecord,
  method: string,
  source: string,
): Promise<string> {
  const secret = randomBytes(32).toString("base64url");
  const session = await openAudited(deps, user, method, source, {
    publicKeyPem: "",
    webSecretHash: webSecretHash(secret),
  });
  return `${session.id}.${secret}`;
}

/** Every way of logging in ends here: lock checked, session opened, certificate issued, audited. */
export async function completeLogin(
  deps: LoginCompletionDeps,
  user: UserRecord,
  method: string,
  publicKeyPem: string,
  source: string,
): Promise<LoginResult> {
  const session = await openAudited(deps, user, method, source, { publicKeyPem });
  const login = deps.loginSessions.issue(session, user);
  // Only a session shorter than the time since it opened gets here: a configuration bug.
  if (!login) throw new Error("a login session ended as it opened: its ttl is too short");
  return login;
}
