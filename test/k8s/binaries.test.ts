import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { BIN_DIR_ENV, BINARY_ENV, CACHE_DIR_ENV, cacheRoot, ensureBinaries } from "./binaries.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "warren-binaries-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fakeExecutable(name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, "#!/bin/sh\n");
  await chmod(path, 0o755);
  return path;
}

describe("ensureBinaries", () => {
  it("uses binaries the user already has, without building anything", async () => {
    const apiserver = await fakeExecutable("kube-apiserver");
    const etcd = await fakeExecutable("etcd");
    const helm = await fakeExecutable("helm");
    const testKubelet = await fakeExecutable("warren-test-kubelet");
    const clientGoProbe = await fakeExecutable("warren-client-go-probe");
    const env = {
      [BIN_DIR_ENV]: dir,
      // An empty cache and no Go on PATH: any attempt to build would fail this test.
      [CACHE_DIR_ENV]: join(dir, "cache"),
      PATH: "/nonexistent",
    };
    expect(await ensureBinaries({ env })).toEqual({
      kubeApiserver: apiserver,
      etcd,
      helm,
      testKubelet,
      clientGoProbe,
    });
  });

  it("prefers a per-binary variable over the directory", async () => {
    await fakeExecutable("kube-apiserver");
    await fakeExecutable("etcd");
    await fakeExecutable("helm");
    await fakeExecutable("warren-test-kubelet");
    await fakeExecutable("warren-client-go-probe");
    const mine = await fakeExecutable("my-helm");
    const env = { [BIN_DIR_ENV]: dir, [BINARY_ENV.helm]: mine, [CACHE_DIR_ENV]: join(dir, "c") };
    expect((await ensureBinaries({ env })).helm).toBe(mine);
  });

  it("names the variable when it points at something that is not executable", async () => {
    const notExecutable = join(dir, "etcd");
    await writeFile(notExecutable, "");
    const env = { [BINARY_ENV.etcd]: notExecutable, [CACHE_DIR_ENV]: join(dir, "c") };
    await expect(ensureBinaries({ env })).rejects.toThrow(
      `WARREN_ETCD_BIN=${notExecutable} is not an executable file`,
    );
  });
});

describe("cacheRoot", () => {
  it("lives outside the work tree, under XDG_CACHE_HOME unless told otherwise", () => {
    expect(cacheRoot({ XDG_CACHE_HOME: "/x" })).toBe("/x/warren");
    expect(cacheRoot({ XDG_CACHE_HOME: "/x", [CACHE_DIR_ENV]: "/y" })).toBe("/y");
  });
});
