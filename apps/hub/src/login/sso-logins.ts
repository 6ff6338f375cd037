import { randomBytes, randomUUID } from "node:crypto";

import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { errorFields, type Logger } from "@warren/log";
import {
  LoginResult,
  type BeginSsoLoginResponse,
  type FinishSsoLoginResponse,
} from "@warren/proto";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import { refuse, Refusal } from "../errors.js";
import type { ConnectorBook } from "./connector-book.js";
import type { ConnectorSpec } from "./connector-document.js";
import type { BrowserChecks, ProviderIdentity } from "./provider-identity.js";

const REQUEST_KIND = "sso-request";
const STATE_KIND = "sso-state";
const REQUEST_TTL_MS = 10 * 60_000;
const MAX_WAIT_MS = 25_000;
const POLL_MS = 250;

interface Failure {
  code: status;
  reason: string;
  message: string;
}

interface SsoRequest {
  connector: string;
  publicKeyPem: string;
  /** The CLI's loopback page; empty for --headless. */
  cliRedirectUrl: string;
  userCode: string;
  checks: BrowserChecks;
  source: string;
  /** A web console login: no key, and the browser (not a CLI) gets the outcome, as a cookie. */
  web?: boolean;
  state: "pending" | "done" | "failed";
  login?: unknown;
  failure?: Failure;
}

/** The login a provider's identity earns: maps roles, records the user, issues the certificate. */
export type CompleteSso = (
  spec: ConnectorSpec,
  identity: ProviderIdentity,
  publicKeyPem: string,
  source: string,
) => Promise<LoginResult>;

export interface SsoLoginsOptions {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  connectors: ConnectorBook;
  complete: CompleteSso;
  completeWeb: CompleteWebSso;
  /** Where the provider sends the browser back (the hub's web address), unless the connector says. */
  callbackUrl: () => string;
}

/** A web console login's outcome: the session's cookie value. */
export type CompleteWebSso = (
  spec: ConnectorSpec,
  identity: ProviderIdentity,
  source: string,
) => Promise<string>;

/** What the hub's callback page says to the person at the browser. */
export interface CallbackOutcome {
  ok: boolean;
  message: string;
  userCode: string;
  /** A web console login that succeeded: the cookie to set before going to the console. */
  webSession?: string;
  /** A web console login (failed or not): the console shows the message. */
  web?: boolean;
  /** Send the browser here (the CLI's loopback page), if the CLI gave one. */
  redirect?: URL;
}

/**
 * Why a callback failed, for the CLI waiting on it. A bug is logged in full and still ends the
 * wait: the person is told to look at the hub's log rather than left waiting until expiry.
 */
function failureOf(error: unknown, connector: string, logger: Logger): Failure {
  if (error instanceof Refusal) {
    logger.warn({ connector, reason: error.reason }, `SSO login refused: ${error.message}`);
    return { code: error.grpcCode, reason: error.reason, message: error.message };
  }
  logger.error({ connector, ...errorFields(error) }, "unexpected error finishing an SSO login");
  return {
    code: status.INTERNAL,
    reason: RefusalReason.SsoFailed,
    message: "internal error in warren-hub finishing the login; see its log",
  };
}

/** http://127.0.0.1:PORT/… or http://localhost:PORT/…: the browser goes back to this machine only. */
function loopbackRedirect(raw: string): string {
  if (raw === "") return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse.invalid(`redirect_url ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== "http:" || !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw refuse.invalid(
      "redirect_url must be http://127.0.0.1:PORT/…: the browser comes back to the CLI's own machine",
    );
  }
  return raw;
}

const userCode = () => {
  const text = randomBytes(5).toString("hex").toUpperCase();
  return `${text.slice(0, 5)}-${text.slice(5)}`;
};

/** Browser logins through connectors: begun by the CLI, finished by the provider's callback. */
export class SsoLogins {
  constructor(private readonly options: SsoLoginsOptions) {}

  async begin(
    connector: string,
    publicKeyPem: string,
    redirectUrl: string,
    source: string,
    web = false,
  ): Promise<BeginSsoLoginResponse> {
    const { store, clock } = this.options;
    const { spec, provider } = await this.options.connectors.provider(connector);
    const checks: BrowserChecks = {
      state: randomBytes(24).toString("base64url"),
      nonce: randomBytes(24).toString("base64url"),
      codeVerifier: randomBytes(48).toString("base64url"),
      redirectUrl: spec.redirectUrl ?? this.options.callbackUrl(),
    };
    const request: SsoRequest = {
      connector,
      publicKeyPem,
      cliRedirectUrl: loopbackRedirect(redirectUrl),
      userCode: userCode(),
      checks,
      source,
      ...(web ? { web } : {}),
      state: "pending",
    };
    const authUrl = await provider.authUrl(checks);
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + REQUEST_TTL_MS);
    const requestId = randomUUID();
    await store.documents.create({
      kind: REQUEST_KIND,
      name: requestId,
      body: JSON.stringify(request),
      expiresAt,
      updatedAt: now,
    });
    await store.documents.create({
      kind: STATE_KIND,
      name: checks.state,
      body: requestId,
      expiresAt,
      updatedAt: now,
    });
    return {
      requestId,
      authUrl: authUrl.toString(),
      userCode: request.userCode,
      expiresAtUnixMs: expiresAt.getTime(),
    };
  }

  /** The provider sent the browser back: finish the login and keep the outcome for the CLI. */
  async callback(url: URL): Promise<CallbackOutcome> {
    const { store, clock, logger } = this.options;
    const state = url.searchParams.get("state") ?? "";
    const pointer =
      state === "" ? undefined : await store.documents.get(STATE_KIND, state, clock.now());
    // Single use: a replayed callback finds nothing.
    if (!pointer || !(await store.documents.delete(STATE_KIND, state))) {
      return {
        ok: false,
        userCode: "",
        message: "This login link is unknown, used or expired: run warren login again.",
      };
    }
    const stored = await store.documents.get(REQUEST_KIND, pointer.body, clock.now());
    if (!stored)
      return { ok: false, userCode: "", message: "This login expired: run warren login again." };
    const request = JSON.parse(stored.body) as SsoRequest;
    let outcome: Pick<SsoRequest, "state" | "login" | "failure">;
    let webSession: string | undefined;
    try {
      const { spec, provider } = await this.options.connectors.provider(request.connector);
      // The provider sent the browser to redirectUrl: that, with its answer, is the current URL
      // (the code exchange repeats it), whatever host this request arrived under.
      const current = new URL(request.checks.redirectUrl);
      current.search = url.search;
      const identity = await provider.finish(current, request.checks);
      if (request.web) {
        webSession = await this.options.completeWeb(spec, identity, request.source);
        outcome = { state: "done" };
      } else {
        const login = await this.options.complete(
          spec,
          identity,
          request.publicKeyPem,
          request.source,
        );
        outcome = { state: "done", login: LoginResult.toJSON(login) };
      }
    } catch (error) {
      outcome = { state: "failed", failure: failureOf(error, request.connector, logger) };
    }
    if (request.web) {
      // Nobody polls for a console login: the browser gets its outcome now, and only once.
      await store.documents.delete(REQUEST_KIND, pointer.body);
      return {
        ok: webSession !== undefined,
        web: true,
        userCode: "",
        message: outcome.failure?.message ?? "",
        ...(webSession === undefined ? {} : { webSession }),
      };
    }
    await store.documents.put({
      ...stored,
      body: JSON.stringify({ ...request, ...outcome }),
      updatedAt: clock.now(),
    });
    const done = outcome.state === "done";
    const result: CallbackOutcome = {
      ok: done,
      userCode: request.userCode,
      message: done
        ? "You are logged in: return to your terminal."
        : (outcome.failure?.message ?? "login failed"),
    };
    if (request.cliRedirectUrl !== "") {
      const redirect = new URL(request.cliRedirectUrl);
      redirect.searchParams.set(done ? "status" : "error", done ? "ok" : result.message);
      result.redirect = redirect;
    }
    return result;
  }

  /** Waits up to waitMs for the callback; the outcome is handed out once, then forgotten. */
  async finish(
    requestId: string,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<FinishSsoLoginResponse> {
    const { store, clock } = this.options;
    const deadline = Date.now() + Math.min(waitMs, MAX_WAIT_MS);
    for (;;) {
      const stored = await store.documents.get(REQUEST_KIND, requestId, clock.now());
      if (!stored)
        throw refuse.notFound("that login is unknown or expired (10 min): run warren login again");
      const request = JSON.parse(stored.body) as SsoRequest;
      if (request.state !== "pending") {
        await store.documents.delete(REQUEST_KIND, requestId);
        if (request.failure) {
          const reason =
            Object.values(RefusalReason).find((r) => r === request.failure?.reason) ??
            RefusalReason.SsoFailed;
          throw new Refusal(request.failure.code, reason, request.failure.message);
        }
        return { pending: false, login: LoginResult.fromJSON(request.login) };
      }
      if (Date.now() >= deadline || signal.aborted) return { pending: true, login: undefined };
      // Another replica may take the callback: the store is where the outcome shows up.
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
