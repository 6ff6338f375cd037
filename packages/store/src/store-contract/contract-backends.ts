import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, beforeEach, describe } from "vitest";

import type { HubStore } from "../hub-store.js";
import { openPostgresStore } from "../postgres-store.js";
import { openSqliteStore } from "../sqlite-store.js";
import { startPostgresServer, type PostgresServer } from "../testing/postgres-server.js";

// One contract, both stores: what the hub relies on must hold on SQLite and on PostgreSQL alike.

/** A store to test: open() gives a fresh, empty one; another() a second connection to it. */
interface Backend {
  name: string;
  setUp(): Promise<void>;
  open(): Promise<HubStore>;
  another(): Promise<HubStore>;
  tearDown(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir = "";
  let path = "";
  return {
    name: "SQLite",
    setUp: async () => {
      dir = await mkdtemp(join(tmpdir(), "warren-store-"));
    },
    open: () => {
      path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
      return Promise.resolve(openSqliteStore({ path }));
    },
    another: () => Promise.resolve(openSqliteStore({ path })),
    tearDown: () => rm(dir, { recursive: true, force: true }),
  };
}

function postgresBackend(): Backend {
  let server: PostgresServer;
  const connect = () => openPostgresStore({ url: server.url, passwordFile: server.passwordFile });
  return {
    name: "PostgreSQL",
    setUp: async () => {
      server = await startPostgresServer();
    },
    open: async () => {
      // Every test starts from an empty database and migrates it.
      await server.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
      return connect();
    },
    another: connect,
    tearDown: () => server.stop(),
  };
}

/** The store a contract test runs on, fresh for each test. */
export interface StoreUnderTest {
  /** The test's store, empty when the test starts. */
  store(): HubStore;
  /** A second connection to the same store, closed with the first after the test. */
  another(): Promise<HubStore>;
}

/** Runs `body`'s tests once on SQLite and once on a real PostgreSQL server. */
export function describeStores(topic: string, body: (stores: StoreUnderTest) => void): void {
  describe.each([sqliteBackend(), postgresBackend()])(
    `the $name hub store: ${topic}`,
    (backend) => {
      let store: HubStore | undefined;
      const opened: HubStore[] = [];

      beforeAll(() => backend.setUp());
      afterAll(() => backend.tearDown());
      beforeEach(async () => {
        store = await backend.open();
        opened.push(store);
        return async () => {
          await Promise.all(opened.splice(0).map((s) => s.close()));
        };
      });
      body({
        store: () => {
          if (!store) throw new Error("no store outside a test");
          return store;
        },
        another: async () => {
          const other = await backend.another();
          opened.push(other);
          return other;
        },
      });
    },
  );
}
