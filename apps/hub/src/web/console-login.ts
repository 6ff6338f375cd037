import type { IncomingMessage, ServerResponse } from "node:http";

import { status } from "@grpc/grpc-js";
import type { LoginOptionsResponse } from "@warren/console";

import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";
import { JoinThrottle } from "../join/join-throttle.js";
import type { ConnectorBook } from "../login/connector-book.js";
import { completeWebLogin, type LoginCompletionDeps } from "../login/login-completion.js";
import type { LoginSessions } from "../login/login-sessions.js";
import type { PasswordLogins } from "../login/password-logins.js";
import type { CallbackOutcome, SsoLogins } from "../login/sso-logins.js";
import { consoleCaller, consoleCookie, type ConsoleCallerDeps } from "./console-caller.js";
import { sendJson } from "./console-api.js";
import { ConsoleRefusal } from "./console-refusal.js";

export interface ConsoleLoginDeps extends ConsoleCallerDeps, LoginCompletionDeps {
  clock: Clock;
  connectors: ConnectorBook;
  ssoLogins: SsoLogins;
  loginSessions: LoginSessions;
  passwordLogins: PasswordLogins;
  hubName: () => string;
}

/** A user name and a password are small; more is not read. */
const MAX_LOGIN_BODY_BYTES = 4096;

const STATUS_OF: Partial<Record<status, ConsoleRefusal["httpStatus"]>> = {
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
};

/** A login refusal (wrong password, locked, throttled) in the console's terms, same words. */
const asConsoleRefusal = (error: unknown) =>
  error instanceof Refusal
    ? new ConsoleRefusal(STATUS_OF[error.grpcCode] ?? 400, error.message)
    : error;

async function readLoginBody(
  request: IncomingMessage,
): Promise<{ user: string; password: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LOGIN_BODY_BYTES) throw new ConsoleRefusal(400, "the login form is too large");
    chunks.push(chunk);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    if (typeof body.user === "string" && typeof body.password === "string") {
      return { user: body.user, password: body.password };
    }
  } catch {
    // Said below.
  }
  throw new ConsoleRefusal(400, 'expected {"user": …, "password": …}');
}

/** Console logins begun per address: each is kept in the store until it expires (10 min). */
const BEGIN_THROTTLE = { burst: 60, refillIntervalMs: 1_000, maxAddresses: 10_000 };

/** Sets the console's cookie and sends the browser to the console, or back to its login page. */
export function finishConsoleLogin(response: ServerResponse, outcome: CallbackOutcome): void {
  if (outcome.webSession === undefined) {
    const error = encodeURIComponent(outcome.message || "the login failed");
    response.writeHead(303, { location: `/#/login?error=${error}` }).end();
    return;
  }
  response
    .writeHead(303, {
      location: "/#/clusters",
      "set-cookie": consoleCookie(outcome.webSession),
    })
    .end();
}

/** The login routes: what needs no login (options, begin), and logout. */
export function consoleLogin(deps: ConsoleLoginDeps) {
  const begins = new JoinThrottle(BEGIN_THROTTLE);
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname === "/v1/web/login-options") {
      const body: LoginOptionsResponse = {
        hubName: deps.hubName(),
        localUsers: true,
        connectors: (await deps.connectors.list()).map(({ spec }) => ({
          name: spec.name,
          kind: spec.kind,
          display: spec.display,
        })),
      };
      sendJson(response, 200, body);
      return true;
    }
    if (url.pathname === "/v1/web/login") {
      const address = request.socket.remoteAddress ?? "";
      try {
        begins.admit(address, deps.clock.now());
        begins.failed(address, deps.clock.now());
      } catch (error) {
        if (error instanceof Refusal) {
          throw new ConsoleRefusal(
            429,
            `too many console logins begun from ${address} lately: wait a minute`,
          );
        }
        throw error;
      }
      const connector = url.searchParams.get("connector") ?? "";
      const started = await deps.ssoLogins
        .begin(connector, "", "", address, true)
        .catch((error: unknown) => {
          if (error instanceof Refusal) throw new ConsoleRefusal(400, error.message);
          throw error;
        });
      response.writeHead(303, { location: started.authUrl, "cache-control": "no-store" }).end();
      return true;
    }
    if (url.pathname === "/v1/web/login/password") {
      if (request.method !== "POST" || request.headers["x-warren-console"] !== "1") {
        throw new ConsoleRefusal(405, "log in with the console's form");
      }
      const address = request.socket.remoteAddress ?? "";
      const form = await readLoginBody(request);
      const cookie = await deps.passwordLogins
        .check(form.user, form.password, address)
        .then((user) => completeWebLogin(deps, user, "password", address))
        .catch((error: unknown) => {
          throw asConsoleRefusal(error);
        });
      response.writeHead(204, { "set-cookie": consoleCookie(cookie) }).end();
      return true;
    }
    if (url.pathname === "/v1/web/logout") {
      // A header a cross-site form cannot send: logging someone out takes the console itself.
      if (request.method !== "POST" || request.headers["x-warren-console"] !== "1") {
        throw new ConsoleRefusal(405, "log out with the console's button");
      }
      const caller = await consoleCaller(deps, request);
      await deps.loginSessions.end(caller.user.name, caller.session.id);
      response.writeHead(204, { "set-cookie": consoleCookie("") }).end();
      return true;
    }
    return false;
  };
}
