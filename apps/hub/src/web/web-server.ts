import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

import { formatHostPort, type HostPort } from "@warren/config";
import { errorFields, type Logger } from "@warren/log";

import type { ServerIdentity } from "../ca/server-identity.js";
import { HubError, HubErrorCode } from "../errors.js";
import type { SsoLogins } from "../login/sso-logins.js";
import { callbackPage } from "./callback-page.js";
import { handleConsoleApi, sendJson, type ConsoleApiDeps } from "./console-api.js";
import { serveConsoleAsset } from "./console-assets.js";
import { consoleCookie } from "./console-caller.js";
import { consoleLogin, finishConsoleLogin, type ConsoleLoginDeps } from "./console-login.js";
import { ConsoleRefusal } from "./console-refusal.js";

/** Where identity providers send the browser back after a login. */
export const LOGIN_CALLBACK_PATH = "/v1/login/callback";

export interface WebServer {
  port: number;
  close(): Promise<void>;
  /** New connections are served with `identity` (a CA rotation moved). */
  setIdentity(identity: ServerIdentity): void;
}

export interface WebServerOptions {
  listen: HostPort;
  identity: ServerIdentity;
  ssoLogins: SsoLogins;
  logger: Logger;
  handshakeTimeoutMs: number;
  /** The web console's API and login; its pages come from `assetsDir`. */
  console: ConsoleApiDeps & ConsoleLoginDeps;
  assetsDir: string;
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

function refused(response: ServerResponse, refusal: ConsoleRefusal): void {
  const headers: Record<string, string> =
    refusal.httpStatus === 401 ? { "set-cookie": consoleCookie("") } : {};
  sendJson(response, refusal.httpStatus, { error: refusal.message }, headers);
}

async function handle(
  options: WebServerOptions,
  login: ReturnType<typeof consoleLogin>,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const url = new URL(request.url ?? "/", "https://hub");
  if (request.method === "GET" && url.pathname === "/healthz") {
    response.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    return;
  }
  if (url.pathname.startsWith("/v1/web/")) {
    try {
      if (!(await login(request, response, url))) {
        await handleConsoleApi(options.console, request, response, url);
      }
    } catch (error) {
      if (!(error instanceof ConsoleRefusal)) throw error;
      refused(response, error);
    }
    return;
  }
  if (request.method === "GET" && url.pathname === LOGIN_CALLBACK_PATH) {
    const outcome = await options.ssoLogins.callback(url);
    if (outcome.web) {
      finishConsoleLogin(response, outcome);
      return;
    }
    if (outcome.redirect) {
      response.writeHead(303, { location: outcome.redirect.toString(), ...SECURITY_HEADERS }).end();
      return;
    }
    response
      .writeHead(outcome.ok ? 200 : 403, {
        "content-type": "text/html; charset=utf-8",
        ...SECURITY_HEADERS,
      })
      .end(callbackPage(outcome));
    return;
  }
  if (
    request.method === "GET" &&
    (await serveConsoleAsset(options.assetsDir, url.pathname, response))
  )
    return;
  response.writeHead(404, { "content-type": "text/plain", ...SECURITY_HEADERS }).end("not found\n");
}

/** The hub's web address: the web console, its API, and identity providers' callbacks. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const server: Server = createServer({
    cert: options.identity.certificateChainPem,
    key: options.identity.privateKeyPem,
    handshakeTimeout: options.handshakeTimeoutMs,
  });
  const login = consoleLogin(options.console);
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    handle(options, login, request, response).catch((error: unknown) => {
      options.logger.error({ ...errorFields(error) }, "web request failed");
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("internal error in warren-hub; see its log\n");
    });
  });
  const address = formatHostPort(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => {
      reject(new HubError(HubErrorCode.Listen, `cannot listen on ${address}: ${error.message}`));
    });
    server.listen(options.listen.port, options.listen.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    setIdentity: (identity) => {
      server.setSecureContext({
        cert: identity.certificateChainPem,
        key: identity.privateKeyPem,
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
