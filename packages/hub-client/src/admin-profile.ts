import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { HubClientError, HubClientErrorCode } from "./errors.js";

/** Everything warrenctl needs to act as an admin: where the hub is and how to prove who it is. */
export interface AdminProfile {
  hubAddr: string;
  caPem: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** Where the hub writes the admin profile inside its data directory. */
export function adminProfilePath(dataDir: string): string {
  return join(dataDir, "admin", "profile.json");
}

/** Written whole or not at all (rename), readable by its owner only: it holds a private key. */
export async function writeAdminProfile(path: string, profile: AdminProfile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const scratch = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(scratch, JSON.stringify(profile, null, 2) + "\n", { mode: 0o600 });
  await rename(scratch, path);
}

const FIELDS = ["hubAddr", "caPem", "certificatePem", "privateKeyPem"] as const;

export async function readAdminProfile(path: string): Promise<AdminProfile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") {
      throw new HubClientError(
        HubClientErrorCode.ProfileMissing,
        `no admin profile at ${path}: run warrenctl where warren-hub keeps its data ` +
          "(--data-dir or WARREN_DATA_DIR), or pass --profile FILE",
        { cause },
      );
    }
    throw new HubClientError(
      HubClientErrorCode.ProfileInvalid,
      `cannot read the admin profile ${path}: ${(cause as Error).message}`,
      { cause },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new HubClientError(HubClientErrorCode.ProfileInvalid, `${path} is not JSON`, { cause });
  }
  const record = (parsed ?? {}) as Record<string, unknown>;
  const missing = FIELDS.filter((field) => typeof record[field] !== "string");
  if (missing.length > 0) {
    throw new HubClientError(
      HubClientErrorCode.ProfileInvalid,
      `the admin profile ${path} lacks ${missing.join(", ")}`,
    );
  }
  return record as unknown as AdminProfile;
}
