import type { IncomingMessage, ServerResponse } from "node:http";

import type { LoginOptionsResponse } from "@warren/console";

import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";
import { JoinThrottle } from "../join/join-throttle.js";
import type { ConnectorBook } from "../login/connector-book.js";
import type { LoginSessions } from "../login/login-sessions.js";
import type { CallbackOutcome, SsoLogins } from "../login/sso-logins.js";
import { CONSOLE_COOKIE, consoleCaller, type ConsoleCallerDeps } from "./console-caller.js";
import { sendJson } from "./console-api.js";
import { ConsoleRefusal } from "./console-refusal.js";

export interface ConsoleLoginDeps extends ConsoleCallerDeps {
  clock: Clock;
  connectors: ConnectorBook;
  ssoLogins: SsoLogins;
  loginSessions: LoginSessions;
  hubName: () => string;
}

/** Console logins begun per address: each is kept in the store until it expires (10 min). */
const BEGIN_THROTTLE = { burst: 60, refillIntervalMs: 1_000, maxAddresses: 10_000 };

const COOKIE_FLAGS = "Path=/; HttpOnly; Secure; SameSite=Strict";

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
      "set-cookie": `${CONSOLE_COOKIE}=${outcome.webSession}; ${COOKIE_FLAGS}`,
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
    if (url.pathname === "/v1/web/logout") {
      // A header a cross-site form cannot send: logging someone out takes the console itself.
      if (request.method !== "POST" || request.headers["x-warren-console"] !== "1") {
        throw new ConsoleRefusal(405, "log out with the console's button");
      }
      const caller = await consoleCaller(deps, request);
      await deps.loginSessions.end(caller.user.name, caller.session.id);
      response
        .writeHead(204, { "set-cookie": `${CONSOLE_COOKIE}=; ${COOKIE_FLAGS}; Max-Age=0` })
        .end();
      return true;
    }
    return false;
  };
}
