import type { LoginResult, LoginServiceClient } from "@warren/proto";

import type { CommandContext } from "../command.js";
import { invalidFlag, WarrenError, WarrenErrorCode } from "../errors.js";
import { callHub } from "../hub-calls.js";
import { listenForCallback } from "./browser-login.js";

const FINISH_WAIT_MS = 25_000;

/** The connector to log in with: --auth, else the hub's only one. */
async function chooseConnector(
  hubAddr: string,
  client: LoginServiceClient,
  auth: string | undefined,
): Promise<string> {
  if (auth !== undefined) return auth;
  const options = await callHub(hubAddr, client.getLoginOptions.bind(client), {});
  const names = options.connectors.map((c) => c.name);
  const [only] = names;
  if (names.length === 1 && only !== undefined) return only;
  if (names.length === 0) {
    throw invalidFlag(
      `${hubAddr} has no SSO connector: log in with a password (warren login --user NAME)`,
    );
  }
  throw invalidFlag(
    `${hubAddr} has several connectors: choose one with --auth (${names.join(", ")})`,
  );
}

/** Asks the hub for the outcome until the browser step is done. */
async function collect(
  hubAddr: string,
  client: LoginServiceClient,
  requestId: string,
  signal: AbortSignal,
): Promise<LoginResult> {
  for (;;) {
    if (signal.aborted) throw new WarrenError(WarrenErrorCode.LoginFailed, "login cancelled");
    const answer = await callHub(
      hubAddr,
      client.finishSsoLogin.bind(client),
      { requestId, waitMs: FINISH_WAIT_MS },
      FINISH_WAIT_MS + 10_000,
    );
    if (!answer.pending && answer.login) return answer.login;
  }
}

export interface SsoLoginRequest {
  hubAddr: string;
  client: LoginServiceClient;
  auth: string | undefined;
  csrPem: string;
  headless: boolean;
}

/** A browser login through a connector: this machine's browser, or (headless) any browser. */
export async function ssoLogin(
  context: CommandContext,
  request: SsoLoginRequest,
): Promise<LoginResult> {
  const { hubAddr, client, csrPem } = request;
  const connector = await chooseConnector(hubAddr, client, request.auth);
  const begin = (redirectUrl: string) =>
    callHub(hubAddr, client.beginSsoLogin.bind(client), { connector, csrPem, redirectUrl });
  if (request.headless) {
    const started = await begin("");
    context.stdout.write(
      `Open this URL in a browser on any machine and log in:\n\n  ${started.authUrl}\n\n` +
        `The page that follows shows the code ${started.userCode}: check it matches.\nWaiting…\n`,
    );
    return collect(hubAddr, client, started.requestId, context.signal);
  }
  const callback = await listenForCallback(context.signal);
  try {
    const started = await begin(callback.url);
    context.stdout.write(
      `Opening your browser to log in with ${connector} (code ${started.userCode}).\n` +
        `If it does not open, visit:\n\n  ${started.authUrl}\n\n`,
    );
    await context.openBrowser(started.authUrl);
    // The loopback page means the browser is done; a failure there ends the wait at once.
    await callback.done;
    return await collect(hubAddr, client, started.requestId, context.signal);
  } finally {
    callback.close();
  }
}
