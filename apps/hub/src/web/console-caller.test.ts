import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { openSqliteStore, type HubStore } from "@warren/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { RoleBook } from "../kube/user-roles.js";
import { webSecretHash } from "../login/login-completion.js";
import type { LoginSession } from "../login/login-session-record.js";
import type { LoginSessions } from "../login/login-sessions.js";
import { consoleCaller, type ConsoleCallerDeps } from "./console-caller.js";
import { ConsoleRefusal } from "./console-refusal.js";

const NOW = new Date("2026-12-01T10:00:00Z");
let dir: string;
let store: HubStore;
let deps: ConsoleCallerDeps;
const sessions = new Map<string, LoginSession>();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "console-caller-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
  const user = { lock: undefined, origin: "oidc/corp", traits: {}, createdAt: NOW, updatedAt: NOW };
  await store.users.create({ ...user, name: "alice", uid: "u1", roles: ["ops"] });
  await store.users.create({ ...user, name: "dan", uid: "u2", roles: ["dev"] });
  const role = (name: string, options: string) => ({
    name,
    document: `kind: role\nmetadata: { name: ${name} }\nspec:\n  options: { ${options} }\n`,
    createdAt: NOW,
    updatedAt: NOW,
  });
  await store.roles.upsert(role("ops", "console_admin: true"));
  await store.roles.upsert(role("dev", "max_session_ttl: 1h"));
  sessions.clear();
  const session = (id: string, user: string, uid: string, secret?: string): LoginSession => ({
    id,
    user,
    uid,
    method: "oidc/corp",
    publicKeyPem: "",
    createdAt: NOW,
    expiresAt: new Date(NOW.getTime() + 3_600_000),
    source: "127.0.0.1",
    ...(secret === undefined ? {} : { webSecretHash: webSecretHash(secret) }),
  });
  sessions.set("s1", session("s1", "alice", "u1", "good"));
  sessions.set("s2", session("s2", "dan", "u2", "fine"));
  sessions.set("cli", session("cli", "alice", "u1"));
  deps = {
    store,
    clock: { now: () => NOW },
    roleBook: new RoleBook(store),
    loginSessions: { get: (id: string) => Promise.resolve(sessions.get(id)) } as LoginSessions,
  };
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const request = (cookie?: string) =>
  ({ headers: cookie === undefined ? {} : { cookie: `other=1; ${cookie}` } }) as IncomingMessage;

async function refusal(cookie?: string): Promise<ConsoleRefusal> {
  const error: unknown = await consoleCaller(deps, request(cookie)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConsoleRefusal);
  return error as ConsoleRefusal;
}

describe("the console's caller", () => {
  it("is the user of an open console login, an admin when a role says so", async () => {
    const alice = await consoleCaller(deps, request("warren_console=s1.good"));
    expect([alice.user.name, alice.admin]).toEqual(["alice", true]);
    const dan = await consoleCaller(deps, request("warren_console=s2.fine"));
    expect([dan.user.name, dan.admin]).toEqual(["dan", false]);
  });

  it("is nobody without the right secret, for a CLI login, or once the session ended", async () => {
    expect((await refusal()).httpStatus).toBe(401);
    expect((await refusal("warren_console=s1.wrong")).message).toContain(
      "your console login ended",
    );
    // A CLI login has a key and no console secret: its id alone opens nothing.
    expect((await refusal("warren_console=cli.")).httpStatus).toBe(401);
    expect((await refusal("warren_console=cli.anything")).httpStatus).toBe(401);
    sessions.delete("s1");
    expect((await refusal("warren_console=s1.good")).httpStatus).toBe(401);
  });

  it("refuses a removed user's old login and a locked user", async () => {
    await store.users.delete("dan");
    await store.users.create({
      name: "dan",
      uid: "u3",
      roles: ["dev"],
      lock: undefined,
      origin: "",
      traits: {},
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect((await refusal("warren_console=s2.fine")).message).toContain("no longer exists");
    await store.users.setLock(
      "alice",
      { lockedBy: "admin", reason: "", lockedAt: NOW, expiresAt: undefined },
      NOW,
    );
    const locked = await refusal("warren_console=s1.good");
    expect([locked.httpStatus, locked.message]).toEqual([403, "user alice is locked"]);
  });
});
