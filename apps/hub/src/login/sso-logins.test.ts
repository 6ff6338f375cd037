import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { silentLogger } from "@warren/log";
import { LoginResult } from "@warren/proto";
import { openSqliteStore, type HubStore } from "@warren/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { ConnectorBook } from "./connector-book.js";
import type { ProviderIdentity, SsoProvider } from "./provider-identity.js";
import { SsoLogins } from "./sso-logins.js";

let dir: string;
let store: HubStore;
let finish: () => Promise<ProviderIdentity>;

/** A connector whose provider answers as `finish` says (the real ones need a network). */
const connectors = {
  provider: () =>
    Promise.resolve({
      spec: { name: "corp", kind: "oidc" },
      provider: {
        authUrl: (checks) =>
          Promise.resolve(new URL(`https://idp.example/auth?state=${checks.state}`)),
        finish: () => finish(),
      } satisfies SsoProvider,
    }),
} as unknown as ConnectorBook;

const logins = () =>
  new SsoLogins({
    store,
    clock: { now: () => new Date() },
    logger: silentLogger,
    connectors,
    callbackUrl: () => "https://hub.example:3080/v1/login/callback",
    complete: (_spec, identity) =>
      Promise.resolve(LoginResult.fromPartial({ user: identity.username, sessionId: "s1" })),
    completeWeb: (_spec, identity) => Promise.resolve(`web-${identity.username}.secret`),
  });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sso-logins-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function begin(sso: SsoLogins, redirect = "") {
  const started = await sso.begin("corp", "KEY", redirect, "127.0.0.1");
  const state = new URL(started.authUrl).searchParams.get("state") ?? "";
  return {
    started,
    callback: new URL(`https://hub.example:3080/v1/login/callback?state=${state}&code=c`),
  };
}

describe("SSO logins", () => {
  it("hand the outcome to the CLI once, and refuse a replayed callback", async () => {
    finish = () => Promise.resolve({ username: "alice", traits: {}, roles: ["dev"] });
    const sso = logins();
    const { started, callback } = await begin(sso, "http://127.0.0.1:5000/callback/x");
    const outcome = await sso.callback(callback);
    expect(outcome).toMatchObject({ ok: true, userCode: started.userCode });
    expect(outcome.redirect?.toString()).toBe("http://127.0.0.1:5000/callback/x?status=ok");
    expect((await sso.callback(callback)).message).toContain("unknown, used or expired");
    const done = await sso.finish(started.requestId, 0, new AbortController().signal);
    expect(done.login?.user).toBe("alice");
    await expect(sso.finish(started.requestId, 0, new AbortController().signal)).rejects.toThrow(
      "unknown or expired",
    );
  });

  it("end the CLI's wait with an error when finishing the login hits a bug", async () => {
    finish = () => Promise.reject(new TypeError("boom"));
    const sso = logins();
    const { started, callback } = await begin(sso);
    expect(await sso.callback(callback)).toMatchObject({ ok: false });
    await expect(sso.finish(started.requestId, 0, new AbortController().signal)).rejects.toThrow(
      "internal error in warren-hub finishing the login",
    );
  });

  it("send the browser back only to this machine", async () => {
    await expect(
      logins().begin("corp", "KEY", "https://evil.example/cb", "1.2.3.4"),
    ).rejects.toThrow("redirect_url must be http://127.0.0.1");
  });

  it("give a console login's cookie to the browser once, and leave nothing for a CLI to take", async () => {
    finish = () => Promise.resolve({ username: "alice", traits: {}, roles: ["dev"] });
    const sso = logins();
    const started = await sso.begin("corp", "", "", "127.0.0.1", true);
    const state = new URL(started.authUrl).searchParams.get("state") ?? "";
    const callback = new URL(`https://hub.example:3080/v1/login/callback?state=${state}&code=c`);
    expect(await sso.callback(callback)).toEqual({
      ok: true,
      web: true,
      userCode: "",
      message: "",
      webSession: "web-alice.secret",
    });
    expect((await sso.callback(callback)).ok).toBe(false);
    await expect(sso.finish(started.requestId, 0, new AbortController().signal)).rejects.toThrow(
      "unknown or expired",
    );
  });
});
