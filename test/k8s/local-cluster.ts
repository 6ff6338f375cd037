import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { waitForApiServer } from "./api-server-ready.js";
import type { K8sBinaries } from "./binaries.js";
import { ADMIN_USER, writeClusterPki, type ClusterPki } from "./cluster-pki.js";
import {
  isRunningDaemon,
  startDaemon,
  stopDaemon,
  type Daemon,
  type DaemonRecord,
} from "./daemon.js";
import { findFreePort } from "./free-port.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { startTestKubelet, TEST_NODE_NAME, waitForNodeReady } from "./test-node.js";

/** What `up` leaves in DIR/cluster.json for `down`, tests and people. */
export interface LocalClusterState {
  server: string;
  kubeconfigPath: string;
  pkiDir: string;
  /** The test node: its name, and the directory its containers' files live in. */
  node: { name: string; rootDir: string };
  processes: { etcd: DaemonRecord; kubeApiserver: DaemonRecord; testKubelet: DaemonRecord };
}

export interface StartLocalClusterOptions {
  dir: string;
  binaries: K8sBinaries;
  /** See DaemonOptions.dieWithParent. */
  dieWithParent: boolean;
  readyTimeoutMs?: number;
}

const STATE_FILE = "cluster.json";
export const ADMIN_KUBECONFIG = "admin.kubeconfig";
// A Unix socket in the run directory: etcd needs no TCP port at all. etcd insists on
// "host:port" syntax; for unix:// URLs the whole "etcd-client:1" is just the file name.
const ETCD_SOCKET_URL = "unix://etcd-client:1";
const ETCD_PEER_URL = "unix://etcd-peer:1";
const PORT_ATTEMPTS = 3;

const paths = (dir: string) => ({
  state: join(dir, STATE_FILE),
  kubeconfig: join(dir, ADMIN_KUBECONFIG),
  pki: join(dir, "pki"),
  run: join(dir, "run"),
  logs: join(dir, "logs"),
  node: join(dir, "node"),
});

export async function readLocalClusterState(dir: string): Promise<LocalClusterState | undefined> {
  const file = paths(dir).state;
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, "utf8")) as LocalClusterState;
}

export function isRunning(state: LocalClusterState): boolean {
  return Object.values(state.processes).every(isRunningDaemon);
}

async function stopProcesses(state: LocalClusterState): Promise<void> {
  // All at once: the store is thrown away, so ordering buys nothing but seconds. A state file
  // from before the test node existed has no testKubelet.
  await Promise.all(Object.values(state.processes).map(stopDaemon));
}

async function logTail(path: string, lines = 15): Promise<string> {
  const text = existsSync(path) ? await readFile(path, "utf8") : "";
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function startEtcd(options: StartLocalClusterOptions): Daemon {
  const p = paths(options.dir);
  return startDaemon({
    command: options.binaries.etcd,
    args: [
      "--name=default",
      `--data-dir=${join(p.run, "etcd-data")}`,
      `--listen-client-urls=${ETCD_SOCKET_URL}`,
      `--advertise-client-urls=${ETCD_SOCKET_URL}`,
      `--listen-peer-urls=${ETCD_PEER_URL}`,
      `--initial-advertise-peer-urls=${ETCD_PEER_URL}`,
      `--initial-cluster=default=${ETCD_PEER_URL}`,
      // A throwaway test store: durability buys nothing and costs seconds.
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
    cwd: p.run,
    logPath: join(p.logs, "etcd.log"),
    dieWithParent: options.dieWithParent,
  });
}

function apiServerArgs(pki: ClusterPki, port: number): string[] {
  return [
    `--etcd-servers=${ETCD_SOCKET_URL}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${port}`,
    `--tls-cert-file=${pki.serverCertPath}`,
    `--tls-private-key-file=${pki.serverKeyPath}`,
    `--client-ca-file=${pki.caCertPath}`,
    "--authorization-mode=RBAC",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${pki.serviceAccountPublicKeyPath}`,
    `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    // Loopback cannot be a Service endpoint; nothing here routes to the `kubernetes` Service.
    "--endpoint-reconciler-type=none",
    "--profiling=false",
    // The test kubelet registers 127.0.0.1 and serves a certificate from the cluster CA.
    "--kubelet-preferred-address-types=InternalIP",
    `--kubelet-certificate-authority=${pki.caCertPath}`,
    `--kubelet-client-certificate=${pki.apiServerKubeletClientCertPath}`,
    `--kubelet-client-key=${pki.apiServerKubeletClientKeyPath}`,
  ];
}

/** Starts kube-apiserver on a free port, trying another if that port was taken meanwhile. */
async function startApiServer(
  options: StartLocalClusterOptions,
  pki: ClusterPki,
  timeoutMs: number,
) {
  const p = paths(options.dir);
  const logPath = join(p.logs, "kube-apiserver.log");
  const tls = { caPem: pki.caPem, certPem: pki.adminCertPem, keyPem: pki.adminKeyPem };
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    const server = `https://127.0.0.1:${port}`;
    const daemon = startDaemon({
      command: options.binaries.kubeApiserver,
      args: apiServerArgs(pki, port),
      cwd: p.run,
      logPath,
      dieWithParent: options.dieWithParent,
    });
    if ((await waitForApiServer(server, tls, daemon.exited, timeoutMs)) === "ready") {
      return { daemon, server };
    }
    const tail = await logTail(logPath);
    if (!tail.includes("address already in use") || attempt === PORT_ATTEMPTS) {
      throw new Error(`kube-apiserver exited before it was ready; last log lines:\n${tail}`);
    }
  }
}

/** Starts the test kubelet and waits for its Node; stops everything on failure. */
async function startNode(
  options: StartLocalClusterOptions,
  pki: ClusterPki,
  started: readonly Daemon[],
): Promise<Daemon> {
  const p = paths(options.dir);
  const logPath = join(p.logs, "test-kubelet.log");
  const kubelet = startTestKubelet({
    testKubelet: options.binaries.testKubelet,
    pki,
    adminKubeconfigPath: p.kubeconfig,
    rootDir: p.node,
    runDir: p.run,
    logPath,
    dieWithParent: options.dieWithParent,
  });
  try {
    await waitForNodeReady(p.kubeconfig, kubelet, options.readyTimeoutMs ?? 60_000);
    return kubelet;
  } catch (error) {
    await Promise.all([kubelet, ...started].map(stopDaemon));
    throw new Error(`${(error as Error).message}; last log lines:\n${await logTail(logPath)}`, {
      cause: error,
    });
  }
}

/**
 * Starts etcd, kube-apiserver and the test node on loopback with RBAC and ServiceAccount token
 * issuing, writes DIR/admin.kubeconfig and DIR/cluster.json, and resolves once the node is Ready.
 */
export async function startLocalCluster(
  options: StartLocalClusterOptions,
): Promise<LocalClusterState> {
  const p = paths(options.dir);
  const existing = await readLocalClusterState(options.dir);
  if (existing && isRunning(existing)) {
    throw new Error(
      `a cluster is already running in ${options.dir}; stop it with: npm run k8s -- down ${options.dir}`,
    );
  }
  if (existing) await stopProcesses(existing); // whatever half of a crashed run is left
  await rm(p.run, { recursive: true, force: true });
  await rm(p.node, { recursive: true, force: true });
  await Promise.all([p.run, p.logs, p.node].map((d) => mkdir(d, { recursive: true })));
  const pki = await writeClusterPki(p.pki);
  const etcd = startEtcd(options);
  let apiServer: Awaited<ReturnType<typeof startApiServer>>;
  try {
    apiServer = await startApiServer(options, pki, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    await stopDaemon(etcd);
    const etcdTail = await logTail(join(p.logs, "etcd.log"), 5);
    throw new Error(`${(error as Error).message}\netcd log:\n${etcdTail}`, { cause: error });
  }
  await writeKubeconfig(p.kubeconfig, {
    server: apiServer.server,
    caPem: pki.caPem,
    userName: ADMIN_USER,
    credentials: { clientCertificatePem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem },
  });
  const kubelet = await startNode(options, pki, [etcd, apiServer.daemon]);
  const record = (d: Daemon): DaemonRecord => ({ pid: d.pid, command: d.command });
  const state: LocalClusterState = {
    server: apiServer.server,
    kubeconfigPath: p.kubeconfig,
    pkiDir: p.pki,
    node: { name: TEST_NODE_NAME, rootDir: p.node },
    processes: {
      etcd: record(etcd),
      kubeApiserver: record(apiServer.daemon),
      testKubelet: record(kubelet),
    },
  };
  await writeFile(p.state, JSON.stringify(state, null, 2) + "\n");
  return state;
}

/**
 * Stops what startLocalCluster started in DIR and removes its state, keys and data; keeps
 * logs/ for a post-mortem. Safe to call when nothing runs.
 */
export async function stopLocalCluster(dir: string): Promise<boolean> {
  const p = paths(dir);
  const state = await readLocalClusterState(dir);
  if (state) await stopProcesses(state);
  await Promise.all(
    [p.state, p.kubeconfig, p.pki, p.run, p.node].map((path) =>
      rm(path, { recursive: true, force: true }),
    ),
  );
  return state !== undefined;
}
