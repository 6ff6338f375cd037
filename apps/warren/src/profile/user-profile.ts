import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { WarrenError, WarrenErrorCode } from "../errors.js";
import { hubSlug, warrenHome } from "./warren-home.js";

/** A login on this machine: what the hub issued, and the key that never left. */
export interface UserProfile {
  /** host:port of the hub's API. */
  hubAddr: string;
  caPem: string;
  user: string;
  roles: string[];
  sessionId: string;
  sessionExpiresAtMs: number;
  certificatePem: string;
  certificateExpiresAtMs: number;
  privateKeyPem: string;
  kubeUrl: string;
  hubName: string;
  kubeServerName: string;
}

const profilesDir = (env: NodeJS.ProcessEnv) => join(warrenHome(env), "profiles");
const profilePath = (env: NodeJS.ProcessEnv, hubAddr: string) =>
  join(profilesDir(env), `${hubSlug(hubAddr)}.json`);
const currentPath = (env: NodeJS.ProcessEnv) => join(warrenHome(env), "current-hub");

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Written beside and renamed over: kubectl may run the plugin several times at once. */
async function writePrivate(path: string, text: string): Promise<void> {
  const temporary = `${path}.${String(process.pid)}.${String(Date.now())}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, path);
}

/** The hub this machine last logged in to, unless --hub names one. */
export async function selectedHub(
  env: NodeJS.ProcessEnv,
  hub: string | undefined,
): Promise<string> {
  const chosen = hub ?? (await readText(currentPath(env)))?.trim();
  if (chosen === undefined || chosen === "") {
    throw new WarrenError(
      WarrenErrorCode.NotLoggedIn,
      "not logged in: run warren login --hub HOST:PORT",
    );
  }
  return chosen;
}

export async function readProfile(
  env: NodeJS.ProcessEnv,
  hubAddr: string,
): Promise<UserProfile | undefined> {
  const text = await readText(profilePath(env, hubAddr));
  return text === undefined ? undefined : (JSON.parse(text) as UserProfile);
}

export async function requireProfile(
  env: NodeJS.ProcessEnv,
  hub: string | undefined,
): Promise<UserProfile> {
  const hubAddr = await selectedHub(env, hub);
  const profile = await readProfile(env, hubAddr);
  if (!profile?.sessionId) {
    throw new WarrenError(
      WarrenErrorCode.NotLoggedIn,
      `not logged in to ${hubAddr}: run warren login --hub ${hubAddr}`,
    );
  }
  return profile;
}

export async function writeProfile(env: NodeJS.ProcessEnv, profile: UserProfile): Promise<string> {
  await mkdir(profilesDir(env), { recursive: true, mode: 0o700 });
  const path = profilePath(env, profile.hubAddr);
  await writePrivate(path, `${JSON.stringify(profile, null, 2)}\n`);
  await writePrivate(currentPath(env), `${profile.hubAddr}\n`);
  return path;
}

/**
 * Forgets the login but keeps the hub's CA: the next login needs no pin again. The key and
 * certificate are gone from disk.
 */
export async function forgetLogin(env: NodeJS.ProcessEnv, profile: UserProfile): Promise<void> {
  const { hubAddr, caPem } = profile;
  await writePrivate(profilePath(env, hubAddr), `${JSON.stringify({ hubAddr, caPem }, null, 2)}\n`);
}

export async function removeProfile(env: NodeJS.ProcessEnv, hubAddr: string): Promise<void> {
  await rm(profilePath(env, hubAddr), { force: true });
}
