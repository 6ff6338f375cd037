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

/**
 * The running test's store, empty when it starts: set by describeStores before each test
 * and read through this live binding (each test file has its own module, so its own).
 */
export let store: HubStore;

/** A second connection to the running test's store, closed with it after the test. */
export let another: () => Promise<HubStore>;

/** Runs `body`'s tests once on SQLite and once on a real PostgreSQL server. */
export function describeStores(topic: string, body: () => void): void {
  describe.each([sqliteBackend(), postgresBackend()])(
    `the $name hub store: ${topic}`,
    (backend) => {
      const opened: HubStore[] = [];
      beforeAll(() => backend.setUp());
      afterAll(() => backend.tearDown());
      beforeEach(async () => {
        store = await backend.open();
        opened.push(store);
        another = async () => {
          const other = await backend.another();
          opened.push(other);
          return other;
        };
        return async () => {
          await Promise.all(opened.splice(0).map((s) => s.close()));
        };
      });
      body();
    },
  );
}
