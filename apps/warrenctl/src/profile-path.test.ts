import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { selectProfilePath, userProfilePath } from "./profile-path.js";

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "warrenctl-home-"));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe("selectProfilePath", () => {
  it("prefers --profile, then WARREN_PROFILE, then a data directory", () => {
    const env = { WARREN_PROFILE: "/env.json", WARREN_DATA_DIR: "/data", XDG_CONFIG_HOME: home };
    expect(selectProfilePath({ profile: "/flag.json", dataDir: "/d" }, env)).toBe("/flag.json");
    expect(selectProfilePath({ dataDir: "/d" }, env)).toBe("/env.json");
    expect(selectProfilePath({ dataDir: "/d" }, { XDG_CONFIG_HOME: home })).toBe(
      "/d/admin/profile.json",
    );
    expect(selectProfilePath({}, { WARREN_DATA_DIR: "/data", XDG_CONFIG_HOME: home })).toBe(
      "/data/admin/profile.json",
    );
  });

  it("falls back to the profile auth login wrote, then the hub's default data directory", async () => {
    const env = { XDG_CONFIG_HOME: join(home, "config"), XDG_DATA_HOME: join(home, "data") };
    expect(selectProfilePath({}, env)).toBe(join(home, "data", "warren", "admin", "profile.json"));
    await mkdir(join(home, "config", "warren"), { recursive: true });
    await writeFile(userProfilePath(env), "{}");
    expect(selectProfilePath({}, env)).toBe(join(home, "config", "warren", "profile.json"));
  });
});
