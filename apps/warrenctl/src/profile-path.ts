import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

import { adminProfilePath } from "@warren/hub-client";

export interface ProfileSelection {
  /** --profile FILE */
  profile?: string;
  /** --data-dir DIR */
  dataDir?: string;
}

/** Where `warrenctl auth login` keeps the profile it makes. */
export function userProfilePath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "warren", "profile.json");
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "warren");
}

/**
 * The admin profile to use: --profile, then WARREN_PROFILE, then the hub data directory's
 * (--data-dir or WARREN_DATA_DIR), then the one `auth login` wrote, then the hub's default
 * data directory on this machine.
 */
export function selectProfilePath(selection: ProfileSelection, env: NodeJS.ProcessEnv): string {
  const explicit = selection.profile ?? env.WARREN_PROFILE;
  if (explicit) return explicit;
  const dataDir = selection.dataDir ?? env.WARREN_DATA_DIR;
  if (dataDir) return adminProfilePath(dataDir);
  const user = userProfilePath(env);
  return existsSync(user) ? user : adminProfilePath(defaultDataDir(env));
}
