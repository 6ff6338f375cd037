import { ensurePostgresBin } from "./postgres-server.js";

/** Once per test run, before any file starts a server: installs PostgreSQL if it is missing. */
export default function setup(): void {
  ensurePostgresBin((line) => process.stderr.write(`postgres: ${line}\n`));
}
