import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { adminProfilePath, readAdminProfile, writeAdminProfile } from "./admin-profile.js";
import { HubClientErrorCode } from "./errors.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-profile-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const profile = { hubAddr: "127.0.0.1:1", caPem: "CA", certificatePem: "C", privateKeyPem: "K" };

describe("admin profiles", () => {
  it("are written for their owner only and read back", async () => {
    const path = adminProfilePath(dir);
    await writeAdminProfile(path, profile);
    expect(await readAdminProfile(path)).toEqual(profile);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("say where to look when missing and what lacks when incomplete", async () => {
    await expect(readAdminProfile(join(dir, "none.json"))).rejects.toMatchObject({
      code: HubClientErrorCode.ProfileMissing,
      message: expect.stringContaining("--data-dir") as unknown,
    });
    const partial = join(dir, "partial.json");
    await writeFile(partial, JSON.stringify({ hubAddr: "x" }));
    await expect(readAdminProfile(partial)).rejects.toMatchObject({
      code: HubClientErrorCode.ProfileInvalid,
      message: `the admin profile ${partial} lacks caPem, certificatePem, privateKeyPem`,
    });
  });
});
