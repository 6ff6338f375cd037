// For tests only: a real PostgreSQL server in a temporary directory.
export { ensurePostgresBin, startPostgresServer, type PostgresServer } from "./postgres-server.js";
export { installDebianPackage } from "./debian-package.js";
