import { stat, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { buildKubeconfig, writeKubeconfig } from "./kubeconfig.js";

const options = {
  server: "https://127.0.0.1:6443",
  caPem: "CA PEM",
  userName: "reader",
  credentials: { token: "t0ken" },
  namespace: "team-a",
};

describe("kubeconfig", () => {
  it("embeds the CA and credentials and selects its own context", () => {
    const config = buildKubeconfig(options) as {
      clusters: { cluster: Record<string, string> }[];
      users: { user: Record<string, string> }[];
      contexts: { name: string; context: Record<string, string> }[];
      "current-context": string;
    };
    expect(config.clusters[0]?.cluster).toEqual({
      server: options.server,
      "certificate-authority-data": Buffer.from("CA PEM").toString("base64"),
    });
    expect(config.users[0]?.user).toEqual({ token: "t0ken" });
    expect(config.contexts[0]?.context.namespace).toBe("team-a");
    expect(config["current-context"]).toBe(config.contexts[0]?.name);
  });

  it("is written readable by its owner only, since it holds credentials", async () => {
    const dir = await mkdtemp(join(tmpdir(), "warren-kubeconfig-"));
    try {
      const path = await writeKubeconfig(join(dir, "k"), options);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(path, "utf8"))).toEqual(buildKubeconfig(options));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
