// warren-hub as a process: configuration errors, restarts, and who may use which API.
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { fetchPresentedCertificates } from "@warren/hub-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { runWarrenctl } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import { spawnWarren } from "../support/warren-process.js";

let scratch: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "warren-hub-start-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

afterEach(() => warren.cleanUp());

async function failedStart(args: string[], env: Record<string, string> = {}) {
  // Never the default tunnel port: tests run side by side.
  const hub = spawnWarren(
    "hub",
    [
      "start",
      "--tunnel-listen-addr",
      "127.0.0.1:0",
      "--kube-listen-addr",
      "127.0.0.1:0",
      "--metrics-listen-addr",
      "127.0.0.1:0",
      "--web-listen-addr",
      "127.0.0.1:0",
      ...args,
    ],
    env,
  );
  const code = await hub.exited;
  return { code, output: hub.logs.text() };
}

describe("warren-hub start", () => {
  it("names each bad setting, where it came from, and starts nothing", async () => {
    const config = join(scratch, "hub.yaml");
    await writeFile(
      config,
      `data_dir: ${join(scratch, "data")}\nlisten_adr: 127.0.0.1:0\ntoken_ttl: soon\n`,
    );
    const result = await failedStart(["--config", config, "--log-level", "loud"], {
      WARREN_HUB_LISTEN_ADDR: "a:b:c",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain("warren-hub: invalid configuration");
    expect(result.output).toContain(`listen_adr: unknown field; known fields are`);
    expect(result.output).toContain(`(from ${config} line 2)`);
    expect(result.output).toContain(
      `token_ttl: "soon" is not a duration like 30s, 10m, 8h or 1h30m (from ${config} line 3)`,
    );
    expect(result.output).toContain(
      'listen_addr: "a:b:c" is not host:port (from WARREN_HUB_LISTEN_ADDR)',
    );
    expect(result.output).toContain(
      'log_level: "loud" is not one of debug, info, warn, error, silent (from --log-level)',
    );
  });

  it("takes its settings from a YAML file, and serves the public names it is given", async () => {
    const config = join(scratch, "public.yaml");
    await writeFile(config, "public_addr: hub.warren.test:8443, 192.0.2.10\ntoken_ttl: 5m\n");
    const hub = await warren.hub({ env: { WARREN_HUB_CONFIG: config } });
    const minted = JSON.parse(
      (await hub.warrenctl("tokens", "add", "--type", "kube", "--cluster", "c", "--format", "json"))
        .stdout,
    ) as {
      hubAddr: string;
      expiresAt: string;
    };
    expect(minted.hubAddr).toBe("hub.warren.test:8443");
    const lifetimeMs = new Date(minted.expiresAt).getTime() - Date.now();
    expect(lifetimeMs).toBeGreaterThan(4 * 60_000);
    expect(lifetimeMs).toBeLessThanOrEqual(5 * 60_000);
    const { leafPem } = await fetchPresentedCertificates({ host: "127.0.0.1", port: hub.port });
    const names = new X509Certificate(leafPem).subjectAltName ?? "";
    expect(names).toContain("DNS:hub.warren.test");
    expect(names).toContain("IP Address:192.0.2.10");
    expect(names).toContain("IP Address:127.0.0.1");
  });

  it("says which data directory it cannot use, and which address it cannot listen on", async () => {
    const notADir = join(scratch, "file");
    await writeFile(notADir, "");
    const dataDir = await failedStart(["--data-dir", notADir, "--listen-addr", "127.0.0.1:0"]);
    expect(dataDir.code).toBe(1);
    expect(dataDir.output).toContain(`cannot use ${notADir} as the data directory`);

    const hub = await warren.hub();
    const taken = await failedStart([
      "--data-dir",
      join(scratch, "second"),
      "--listen-addr",
      hub.addr,
    ]);
    expect(taken.code).toBe(1);
    expect(taken.output).toContain(`cannot listen on ${hub.addr}`);
  });

  it("keeps its CA, tokens and agents across a restart on the same data directory", async () => {
    const hub = await warren.hub();
    const minted = await hub.mintToken("--type", "kube", "--cluster", "kept");
    await hub.process.stop();
    const again = await warren.hub({ dataDir: hub.dataDir });
    expect(again.caPin).toBe(hub.caPin);
    const listed = JSON.parse(
      (await again.warrenctl("tokens", "ls", "--format", "json")).stdout,
    ) as { id: string }[];
    expect(listed.map((t) => t.id)).toEqual([minted.id]);
  });

  it("refuses the admin API to an agent's identity", async () => {
    const hub = await warren.hub();
    const stateDir = join(scratch, "agent-state");
    const agent = spawnWarren(
      "agent",
      ["start", "--hub-addr", hub.addr, "--cluster-name", "c1", "--state-dir", stateDir],
      {
        WARREN_JOIN_TOKEN: await warren.token(hub, "c1"),
      },
    );
    const ready = await agent.logs.waitForMessage("agent ready");
    await agent.stop();
    const state = JSON.parse(await readFile(join(stateDir, "state.json"), "utf8")) as {
      data: Record<string, string>;
    };
    const asAgent = join(scratch, "agent-profile.json");
    await writeFile(
      asAgent,
      JSON.stringify({
        hubAddr: hub.addr,
        caPem: state.data["ca.pem"],
        certificatePem: state.data["certificate.pem"],
        privateKeyPem: state.data["private-key.pem"],
      }),
    );
    const result = await runWarrenctl([
      "tokens",
      "add",
      "--type",
      "kube",
      "--cluster",
      "c1",
      "--profile",
      asAgent,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `agent ${String(ready.agentId)} of cluster c1 may not use the admin API`,
    );
  });
});
