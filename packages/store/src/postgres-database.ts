import pg from "pg";
import { parseIntoClientConfig } from "pg-connection-string";

import { StoreError, StoreErrorCode } from "./errors.js";

/**
 * BIGINT holds Unix milliseconds and counts, well inside a double's exact range; pg would
 * return strings. Per pool, not pg's global parser table.
 */
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, "text", Number);

/** SQLSTATE classes that mean "the database is not there", not "the query is wrong". */
const UNAVAILABLE_STATES = ["08", "53", "57", "3D"];
/** Invalid authorization: wrong user or password. */
const REFUSED_STATES = ["28"];

function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return false;
  if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ENOENT (socket), ETIMEDOUT …
  return [...UNAVAILABLE_STATES, ...REFUSED_STATES].some((prefix) => code.startsWith(prefix));
}

export type Queryable = Pick<pg.PoolClient, "query">;

export interface PostgresDatabaseOptions {
  connectionString: string;
  password?: string;
  /** Where the data lives, for messages: the URL without its password. */
  location: string;
  maxConnections: number;
  connectTimeoutMs: number;
}

/**
 * A pool with one way in and one way out: every failure that means the server is unreachable
 * becomes StoreError(Unavailable) naming the store, so callers tell "database down" (503) from
 * a bug (500) without knowing pg's error codes.
 */
export class PostgresDatabase {
  private readonly pool: pg.Pool;

  constructor(readonly options: PostgresDatabaseOptions) {
    this.pool = new pg.Pool({
      ...this.clientConfig(),
      max: options.maxConnections,
    });
    // An idle client whose server went away emits here; the next query reports it.
    this.pool.on("error", () => undefined);
  }

  /** The client config, for a dedicated connection (LISTEN). */
  clientConfig(): pg.ClientConfig {
    // Parsed here: pg lets a connectionString's fields override explicit ones, password too.
    return {
      ...parseIntoClientConfig(this.options.connectionString),
      ...(this.options.password === undefined ? {} : { password: this.options.password }),
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      application_name: "warren-hub",
      types,
    };
  }

  async query<Row extends pg.QueryResultRow>(
    sql: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<Row>> {
    try {
      return await this.pool.query<Row>(sql, values);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Runs `work` in one transaction; rolled back if it throws. */
  async transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.translate(error);
    }
    // A checked-out client has no error listener of the pool's: the server going away during
    // the transaction (a restart, a failover) would emit 'error' unhandled and end the hub.
    // An object: TypeScript's flow analysis does not see callbacks setting a plain let.
    const connection: { lost?: unknown; broken?: boolean } = {};
    const onError = (error: unknown) => {
      connection.lost ??= error;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      if (connection.lost !== undefined) throw this.unreachable(connection.lost);
      await client.query("ROLLBACK").catch(() => {
        connection.broken = true;
      });
      throw this.translate(error);
    } finally {
      client.removeListener("error", onError);
      client.release(connection.broken === true || connection.lost !== undefined);
    }
  }

  translate(error: unknown): unknown {
    if (error instanceof StoreError || !isUnavailable(error)) return error;
    const code = (error as { code: string }).code;
    if (REFUSED_STATES.some((prefix) => code.startsWith(prefix))) {
      return new StoreError(
        StoreErrorCode.Unavailable,
        `the hub's store (PostgreSQL ${this.options.location}) refused the hub's credentials: ` +
          `${(error as Error).message}; check the user in store_url and store_password_file`,
        { cause: error },
      );
    }
    return this.unreachable(error);
  }

  /** The connection is gone (whatever pg's error says): the store is unreachable. */
  private unreachable(error: unknown): StoreError {
    return new StoreError(
      StoreErrorCode.Unavailable,
      `the hub's store (PostgreSQL ${this.options.location}) is unreachable: ` +
        `${(error as Error).message}; check that the database runs and that store_url is right`,
      { cause: error },
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
