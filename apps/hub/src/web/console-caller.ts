import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

import type { Role } from "@warren/rbac";
import { lockInForce, type HubStore, type UserRecord } from "@warren/store";

import type { Clock } from "../clock.js";
import type { RoleBook } from "../kube/user-roles.js";
import { webSecretHash } from "../login/login-completion.js";
import type { LoginSession } from "../login/login-session-record.js";
import type { LoginSessions } from "../login/login-sessions.js";
import { ConsoleRefusal } from "./console-refusal.js";

export const CONSOLE_COOKIE = "warren_console";

const COOKIE_FLAGS = "Path=/; HttpOnly; Secure; SameSite=Strict";

/** The Set-Cookie value that gives the browser a console login, or (empty) takes it away. */
export const consoleCookie = (value: string) =>
  value === ""
    ? `${CONSOLE_COOKIE}=; ${COOKIE_FLAGS}; Max-Age=0`
    : `${CONSOLE_COOKIE}=${value}; ${COOKIE_FLAGS}`;

export interface ConsoleCallerDeps {
  store: HubStore;
  clock: Clock;
  roleBook: RoleBook;
  loginSessions: LoginSessions;
}

/** Who is at the browser: a user with an open console login. */
export interface ConsoleCaller {
  user: UserRecord;
  roles: readonly Role[];
  session: LoginSession;
  admin: boolean;
}

export function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

const LOG_IN = "log in to the console again";

/**
 * The caller a console cookie stands for, checked as kubectl's certificates are: the login
 * session open, its secret matching, the user the same incarnation and not locked. 401 else.
 */
export async function consoleCaller(
  deps: ConsoleCallerDeps,
  request: IncomingMessage,
): Promise<ConsoleCaller> {
  const cookie = cookieValue(request, CONSOLE_COOKIE) ?? "";
  const [id = "", secret = ""] = cookie.split(".");
  if (id === "" || secret === "") throw new ConsoleRefusal(401, `you are not logged in: ${LOG_IN}`);
  const session = await deps.loginSessions.get(id);
  const expected = Buffer.from(session?.webSecretHash ?? "", "hex");
  const presented = Buffer.from(webSecretHash(secret), "hex");
  if (!session || expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    throw new ConsoleRefusal(
      401,
      `your console login ended (logged out, ended or expired): ${LOG_IN}`,
    );
  }
  const user = await deps.store.users.get(session.user);
  if (user?.uid !== session.uid) {
    throw new ConsoleRefusal(401, `user ${session.user} no longer exists on this hub`);
  }
  if (lockInForce(user.lock, deps.clock.now())) {
    throw new ConsoleRefusal(403, `user ${user.name} is locked`);
  }
  const roles = await deps.roleBook.rolesOf(user);
  return { user, roles, session, admin: roles.some((r) => r.consoleAdmin === true) };
}
