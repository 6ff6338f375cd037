import { homedir } from "node:os";
import { join } from "node:path";

/** Where logins live: $WARREN_HOME, else ~/.warren. */
export const warrenHome = (env: NodeJS.ProcessEnv): string =>
  env.WARREN_HOME ?? join(homedir(), ".warren");

/** A file name for a hub address: host:port with what a file name cannot hold replaced. */
export const hubSlug = (hubAddr: string): string => hubAddr.replace(/[^A-Za-z0-9.-]/g, "_");
