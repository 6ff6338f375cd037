import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

import { installDebianPackage } from "./debian-package.js";

// A real PostgreSQL server for tests: its own data directory and Unix socket in a temporary
// directory, no TCP port at all, stopped (and deleted) by stop(). It is the Debian package's
// server; initdb and postgres refuse to run as root, so as root they run as `postgres`.

type User = { uid: number; gid: number } | undefined;

const DEBIAN_ROOT = "/usr/lib/postgresql";
/** Debian's package makes this user; nobody has no home but works too. */
const UNPRIVILEGED_USERS = ["postgres", "nobody"];

export interface PostgresServer {
  /** postgres://warren@/warren?host=<socket dir>: no password in it. */
  url: string;
  /** The file holding the password of `warren`. */
  passwordFile: string;
  /** Runs SQL as `warren` in database `warren` (psql), for setting up and breaking things. */
  sql(statements: string): Promise<void>;
  /** Stops the server (fast shutdown) and keeps its data, for resume(). */
  pause(): Promise<void>;
  /** Starts it again after pause(), on the same socket. */
  resume(): Promise<void>;
  /** Stops the server and deletes everything. */
  stop(): Promise<void>;
}

function installedBin(): string | undefined {
  const configured = process.env.WARREN_POSTGRES_BIN;
  if (configured) return configured;
  const versions = existsSync(DEBIAN_ROOT)
    ? readdirSync(DEBIAN_ROOT).filter((v) => existsSync(join(DEBIAN_ROOT, v, "bin", "initdb")))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : join(DEBIAN_ROOT, newest, "bin");
}

/**
 * The directory with initdb and postgres. On a fresh Debian machine (as root, as CI runs) it
 * installs Debian's postgresql package first, so the README's test line needs nothing else;
 * apt waits for a lock another test run holds.
 */
export function ensurePostgresBin(log: (line: string) => void = () => undefined): string {
  const found = installedBin();
  if (found) return found;
  installDebianPackage("postgresql", log);
  const installed = installedBin();
  if (installed) return installed;
  throw new Error(
    "the PostgreSQL tests need a PostgreSQL server: apt-get install -y postgresql " +
      "(or set WARREN_POSTGRES_BIN to a directory with initdb and postgres)",
  );
}

function runAs(): User {
  if (userInfo().uid !== 0) return undefined;
  for (const name of UNPRIVILEGED_USERS) {
    try {
      const [uid, gid] = ["-u", "-g"].map((flag) =>
        Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim()),
      );
      return { uid: uid ?? 0, gid: gid ?? 0 };
    } catch {
      // Try the next one.
    }
  }
  throw new Error("running as root and found no unprivileged user for PostgreSQL");
}

function command(bin: string, args: string[], user: User) {
  // setpriv: drop root for PostgreSQL, and have the server killed if this process dies.
  const privileges = user ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups"] : [];
  return ["setpriv", [...privileges, "--pdeathsig", "SIGKILL", "--", bin, ...args]] as const;
}

/**
 * Each step has a deadline well inside the test hook's, so a hang on a busy or odd machine
 * fails with the step's name and what it printed rather than a bare hook timeout.
 */
const STEP_DEADLINE_MS = 90_000;

function run(bin: string, args: string[], user: User, env = process.env): Promise<void> {
  const [file, argv] = command(bin, args, user);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ["ignore", "ignore", "pipe"], env });
    let stderr = "";
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${bin} did not finish in ${STEP_DEADLINE_MS} ms: ${stderr}`));
    }, STEP_DEADLINE_MS);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(deadline);
      if (code === 0) resolve();
      else reject(new Error(`${bin} exited ${code}: ${stderr}`));
    });
  });
}

/** Starts the postmaster; resolves once it says it accepts connections. */
function startPostmaster(
  bin: string,
  dataDir: string,
  socketDir: string,
  user: User,
): Promise<ChildProcess> {
  const [file, argv] = command(
    join(bin, "postgres"),
    ["-D", dataDir, "-k", socketDir, "-c", "listen_addresses=", "-c", "fsync=off"],
    user,
  );
  const child = spawn(file, argv, { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let log = "";
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`postgres was not ready in ${STEP_DEADLINE_MS} ms: ${log}`));
    }, STEP_DEADLINE_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes("database system is ready to accept connections")) return;
      clearTimeout(deadline);
      child.stderr.off("data", onData);
      child.stderr.resume(); // Keep draining so the server never blocks on a full pipe.
      resolve(child);
    };
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(deadline);
      reject(new Error(`postgres exited ${code} while starting: ${log}`));
    });
  });
}

function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => {
      resolve();
    });
    child.kill("SIGINT"); // Fast shutdown: ends sessions, no waiting for clients.
  });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = ensurePostgresBin();
  const user = runAs();
  const dir = await mkdtemp(join(tmpdir(), "warren-pg-"));
  if (user) await chown(dir, user.uid, user.gid);
  const dataDir = join(dir, "data");
  const passwordFile = join(dir, "password");
  await writeFile(passwordFile, `${randomBytes(18).toString("base64url")}\n`, { mode: 0o600 });
  if (user) await chown(passwordFile, user.uid, user.gid);
  let postmaster: ChildProcess | undefined;
  try {
    await run(
      join(bin, "initdb"),
      // --no-sync: a test database need not survive a crash, and fsync is initdb's slow part.
      [
        "-D",
        dataDir,
        "-U",
        "warren",
        "--auth=scram-sha-256",
        `--pwfile=${passwordFile}`,
        "--no-sync",
      ],
      user,
    );
    postmaster = await startPostmaster(bin, dataDir, dir, user);
    await createDatabase(bin, dir, passwordFile, user);
  } catch (error) {
    if (postmaster) await stopPostmaster(postmaster);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let running: ChildProcess | undefined = postmaster;
  return {
    url: `postgres://warren@/warren?host=${encodeURIComponent(dir)}`,
    passwordFile,
    sql: (statements) =>
      run(
        join(bin, "psql"),
        [...connectArgs(dir), "-v", "ON_ERROR_STOP=1", "-c", statements],
        user,
        {
          ...process.env,
          PGPASSFILE: join(dir, "pgpass"),
        },
      ),
    pause: async () => {
      if (running) await stopPostmaster(running);
      running = undefined;
    },
    resume: async () => {
      running ??= await startPostmaster(bin, dataDir, dir, user);
    },
    stop: async () => {
      if (running) await stopPostmaster(running);
      running = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const connectArgs = (dir: string) => ["-h", dir, "-U", "warren", "-w", "-d", "warren"];

/** createdb as `warren`, its password from a PGPASSFILE (host:port:db:user:password). */
async function createDatabase(bin: string, dir: string, passwordFile: string, user: User) {
  const password = (await readFile(passwordFile, "utf8")).trim();
  const passfile = join(dir, "pgpass");
  await writeFile(passfile, `*:*:*:warren:${password}\n`, { mode: 0o600 });
  if (user) await chown(passfile, user.uid, user.gid);
  const args = ["-h", dir, "-U", "warren", "-w", "warren"];
  await run(join(bin, "createdb"), args, user, { ...process.env, PGPASSFILE: passfile });
}
