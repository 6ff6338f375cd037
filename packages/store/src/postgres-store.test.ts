import { readFile, writeFile } from "node:fs/promises";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { StoreErrorCode } from "./errors.js";
import type { HubStore, StoreChange } from "./hub-store.js";
import { MIGRATIONS } from "./migrations.js";
import { PostgresDatabase } from "./postgres-database.js";
import { openPostgresStore, redactStoreUrl } from "./postgres-store.js";
import { startPostgresServer, type PostgresServer } from "./testing/postgres-server.js";

let server: PostgresServer;
const opened: HubStore[] = [];

const open = async (passwordFile = server.passwordFile) => {
  const store = await openPostgresStore({ url: server.url, passwordFile, connectTimeoutMs: 2000 });
  opened.push(store);
  return store;
};

/** Resolves with the first change `store` hears. */
const nextChange = (store: HubStore) =>
  new Promise<StoreChange>((resolve) => {
    const stop = store.changes.subscribe((change) => {
      stop();
      resolve(change);
    });
  });

beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(() => server.stop());
beforeEach(async () => {
  await server.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
  return async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  };
});

describe("the PostgreSQL store", () => {
  it("migrates once when replicas start together", async () => {
    const stores = await Promise.all([open(), open(), open(), open()]);
    expect(stores).toHaveLength(4);
    await server.sql(
      `DO $$ BEGIN IF (SELECT version FROM warren_schema) <> ${MIGRATIONS.length} THEN
         RAISE EXCEPTION 'wrong version'; END IF; END $$`,
    );
  });

  it("refuses a schema from a newer hub, naming the store and not its password", async () => {
    await open();
    await server.sql("UPDATE warren_schema SET version = 999");
    await expect(open()).rejects.toMatchObject({
      code: StoreErrorCode.NewerSchema,
      message: expect.stringContaining("postgres://warren@/warren") as string,
    });
  });

  it("names the store and the fix when the password is wrong", async () => {
    const wrong = `${server.passwordFile}.wrong`;
    await writeFile(wrong, "not-the-password\n");
    await expect(open(wrong)).rejects.toMatchObject({
      code: StoreErrorCode.Unavailable,
      message: expect.stringMatching(
        /refused the hub's credentials.*store_password_file/,
      ) as string,
    });
  });

  it("reports the database gone as unavailable, and works again once it is back", async () => {
    const store = await open();
    await server.pause();
    try {
      await expect(store.users.list()).rejects.toMatchObject({
        code: StoreErrorCode.Unavailable,
        message: expect.stringContaining("is unreachable") as string,
      });
    } finally {
      await server.resume();
    }
    expect(await store.users.list()).toEqual([]);
  });

  it("fails a transaction the database goes away during, naming the store, and lives on", async () => {
    const db = new PostgresDatabase({
      connectionString: server.url,
      password: (await readFile(server.passwordFile, "utf8")).trim(),
      location: "the test server",
      maxConnections: 2,
      connectTimeoutMs: 2000,
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let proceed: () => void = () => undefined;
    const serverGone = new Promise<void>((resolve) => (proceed = resolve));
    const transaction = db.transaction(async (client) => {
      await client.query("SELECT 1");
      entered();
      await serverGone;
      await client.query("SELECT 1");
    });
    await inside;
    // Its client is checked out, idle in the transaction, when the server shuts down: an
    // 'error' nobody listened for would end this process (and vitest's run) here.
    await server.pause();
    try {
      proceed();
      await expect(transaction).rejects.toMatchObject({
        code: StoreErrorCode.Unavailable,
        message: expect.stringContaining("(PostgreSQL the test server) is unreachable") as string,
      });
    } finally {
      await server.resume();
    }
    await db.close();
  });

  it("tells every other replica of a change at once, and not the one that made it", async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const heardByB = nextChange(b);
    const heardByA: StoreChange[] = [];
    a.changes.subscribe((change) => heardByA.push(change));
    await Promise.all([a.changes.listening(), b.changes.listening()]);
    const change: StoreChange = { kind: "users", names: ["bob"] };
    await a.changes.publish(change);
    expect(await heardByB).toEqual(change);
    // B's answer arrives after A's own notification would have: A heard nothing of its own.
    const answer = nextChange(a);
    await b.changes.publish({ kind: "roles" });
    expect(await answer).toEqual({ kind: "roles" });
    expect(heardByA).toEqual([{ kind: "roles" }]);
  });

  it("asks for a resync after the feed was cut, since changes may have been missed", async () => {
    const store = await open();
    const resync = nextChange(store);
    await store.changes.listening();
    await server.pause();
    await server.resume();
    expect(await resync).toEqual({ kind: "resync" });
  });

  it("masks a password in the URL it shows", () => {
    expect(redactStoreUrl("postgres://hub:s3cret@db:5432/warren")).toBe(
      "postgres://hub:***@db:5432/warren",
    );
    expect(redactStoreUrl("postgresql://db/warren?password=s3cret&sslmode=require")).toBe(
      "postgresql://db/warren?password=***&sslmode=require",
    );
  });
});
