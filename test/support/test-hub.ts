import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { warrenctl } from "@warren/warrenctl";

import { spawnWarren, type WarrenProcess } from "./warren-process.js";

export interface WarrenctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestHub {
  process: WarrenProcess;
  dataDir: string;
  /** host:port warrenctl and agents use. */
  addr: string;
  port: number;
  /** host:port agents dial for the tunnel (what the hub tells them). */
  tunnelAddr: string;
  /** The port the tunnel listener is bound to. */
  tunnelPort: number;
  caPin: string;
  /** https://127.0.0.1:PORT of the kube endpoint. */
  kubeUrl: string;
  /** http://127.0.0.1:PORT serving /metrics. */
  metricsUrl: string;
  /** https://127.0.0.1:PORT of the web address (SSO callbacks). */
  webUrl: string;
  /** warrenctl in-process, as this hub's local admin. */
  warrenctl(...argv: string[]): Promise<WarrenctlResult>;
  /** `warrenctl tokens add --format json` with these flags; fails the test if refused. */
  mintToken(...flags: string[]): Promise<{ id: string; token: string }>;
}

export interface StartTestHubOptions {
  /** Reuse a data directory (a restart); default a new one. */
  dataDir?: string;
  /** Listen on this port; default a free one. */
  port?: number;
  /** The tunnel listens on this port; default a free one. */
  tunnelPort?: number;
  /** Extra flags for warren-hub start. */
  args?: string[];
  env?: Record<string, string>;
}

/** Runs warrenctl in-process with captured output. */
export async function runWarrenctl(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<WarrenctlResult> {
  let stdout = "";
  let stderr = "";
  const code = await warrenctl(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

/** `warrenctl tokens add --format json` as the local admin of the hub on dataDir; throws if refused. */
export async function mintToken(
  dataDir: string,
  ...flags: string[]
): Promise<{ id: string; token: string }> {
  const result = await runWarrenctl([
    "tokens",
    "add",
    "--format",
    "json",
    ...flags,
    "--data-dir",
    dataDir,
  ]);
  if (result.code !== 0) throw new Error(`tokens add failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { id: string; token: string };
}

/**
 * Every listener of `warren-hub start` on loopback: the API and tunnel on the given ports (a
 * restart keeps them), each other on a free one.
 */
export function loopbackListenArgs(ports: { api?: number; tunnel?: number } = {}): string[] {
  return [
    "--listen-addr",
    `127.0.0.1:${String(ports.api ?? 0)}`,
    "--tunnel-listen-addr",
    `127.0.0.1:${String(ports.tunnel ?? 0)}`,
    "--kube-listen-addr",
    "127.0.0.1:0",
    "--metrics-listen-addr",
    "127.0.0.1:0",
    "--web-listen-addr",
    "127.0.0.1:0",
  ];
}

export async function startTestHub(options: StartTestHubOptions = {}): Promise<TestHub> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "warren-hub-")));
  const process = spawnWarren(
    "hub",
    [
      "start",
      "--data-dir",
      dataDir,
      ...loopbackListenArgs({ api: options.port, tunnel: options.tunnelPort }),
      "--log-level",
      "debug",
      ...(options.args ?? []),
    ],
    options.env ?? {},
  );
  const ready = await process.logs.waitForMessage("hub ready");
  const addr = String(ready.apiAddr);
  const tunnelAddr = String(ready.tunnelAddr);
  const hub: TestHub = {
    process,
    dataDir,
    addr,
    port: Number(addr.split(":").at(-1)),
    tunnelAddr,
    tunnelPort: Number(String(ready.tunnelListenAddr).split(":").at(-1)),
    caPin: String(ready.caPin),
    kubeUrl: String(ready.kubeUrl),
    metricsUrl: `http://${String(ready.metricsAddr)}`,
    webUrl: String(ready.webUrl),
    warrenctl: (...argv) => runWarrenctl([...argv, "--data-dir", dataDir]),
    mintToken: (...flags) => mintToken(dataDir, ...flags),
  };
  return hub;
}
