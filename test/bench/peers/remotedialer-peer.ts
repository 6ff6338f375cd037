import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { access, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { cacheRoot } from "../../k8s/binaries.js";
import { buildGoBinaries } from "../../k8s/go-build.js";
import { ProcessLogs } from "../../support/process-logs.js";
import { progress } from "../stats.js";

/** Rancher's tunnel library; the newest release that builds with Go 1.26 (v0.5 wants 1.26.10). */
const REMOTEDIALER_VERSION = "v0.4.4";
const NAME = "warren-bench-remotedialer";
const SOURCE = fileURLToPath(new URL("./remotedialer/main.go", import.meta.url));

/** Builds the peer once per source and version into the Go build cache Warren already keeps. */
export async function ensureRemotedialerPeer(): Promise<string> {
  const source = await readFile(SOURCE, "utf8");
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 12);
  const dir = join(cacheRoot(), "bench", `remotedialer-${REMOTEDIALER_VERSION}-${hash}`);
  const binary = join(dir, NAME);
  try {
    await access(binary, constants.X_OK);
    return binary;
  } catch {
    progress(`building ${NAME} (remotedialer ${REMOTEDIALER_VERSION}) into ${dir}`);
  }
  await buildGoBinaries(
    {
      requires: { "github.com/rancher/remotedialer": REMOTEDIALER_VERSION },
      sources: { "remotedialer-peer/main.go": source },
      binaries: [{ name: NAME, importPath: "warren.local/test-binaries/remotedialer-peer" }],
    },
    dir,
  );
  return binary;
}

export interface PeerProcess {
  pid: number;
  logs: ProcessLogs;
  stop(): Promise<void>;
}

function start(binary: string, args: readonly string[]): PeerProcess {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const logs = new ProcessLogs();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    logs.push(chunk);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    logs.push(chunk);
  });
  const exited = new Promise<void>((resolve) => {
    child.once("close", (code, signal) => {
      logs.exited(`${NAME} ${args[0] ?? ""} exited (${signal ?? `code ${String(code)}`})`);
      resolve();
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${binary}`);
  return {
    pid: child.pid,
    logs,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface RemotedialerPeerOptions {
  dir: string;
  /** The API server's URL and CA, and a token that may impersonate (the agent's). */
  upstream: string;
  upstreamCaPem: string;
  token: string;
  /** CA of the users' client certificates; the peer impersonates their CN and O. */
  clientCaPem: string;
}

export interface RemotedialerPeer {
  /** e.g. https://127.0.0.1:PORT/k8s/clusters/bench, Rancher's path for a cluster. */
  base: string;
  /** The peer's self-signed serving certificate, for the client to trust. */
  servingCaPem: string;
  pids: { peerServer: number; peerClient: number };
  close(): Promise<void>;
}

/** The peer's server and its tunnel client, connected; resolves once a request can pass. */
export async function startRemotedialerPeer(
  options: RemotedialerPeerOptions,
): Promise<RemotedialerPeer> {
  const binary = await ensureRemotedialerPeer();
  const file = async (name: string, text: string) => {
    const path = join(options.dir, name);
    await writeFile(path, text, { mode: 0o600 });
    return path;
  };
  const servingCa = join(options.dir, "peer-serving-ca.pem");
  const server = start(binary, [
    "server",
    `--upstream=${options.upstream}`,
    `--upstream-ca=${await file("peer-upstream-ca.pem", options.upstreamCaPem)}`,
    `--token-file=${await file("peer-token", options.token)}`,
    `--client-ca=${await file("peer-client-ca.pem", options.clientCaPem)}`,
    `--serving-ca-out=${servingCa}`,
  ]);
  const addresses = await server.logs.waitFor((entry) => "tunnel" in entry, "the peer's listeners");
  const client = start(binary, [
    "client",
    `--server=${String(addresses.tunnel)}`,
    `--allow=${new URL(options.upstream).host}`,
  ]);
  await server.logs.waitForMessage("session ready");
  return {
    base: `https://${String(addresses.user)}/k8s/clusters/bench`,
    servingCaPem: await readFile(servingCa, "utf8"),
    pids: { peerServer: server.pid, peerClient: client.pid },
    close: async () => {
      await client.stop();
      await server.stop();
    },
  };
}
