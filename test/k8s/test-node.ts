import { join } from "node:path";

import { KubeConfig, Watch } from "@kubernetes/client-node";

import type { ClusterPki } from "./cluster-pki.js";
import { startDaemon, type Daemon } from "./daemon.js";

/** The one Node of the test cluster; pods bound to it run (see test-kubelet/main.go). */
export const TEST_NODE_NAME = "warren-test-node";

export interface StartTestNodeOptions {
  testKubelet: string;
  pki: ClusterPki;
  adminKubeconfigPath: string;
  /** Each container's working directory and log file live under here. */
  rootDir: string;
  runDir: string;
  logPath: string;
  dieWithParent: boolean;
}

/** Where the test kubelet reads a container's log from; tests append to it. */
export function containerLogPath(
  rootDir: string,
  namespace: string,
  pod: string,
  container: string,
): string {
  return join(rootDir, namespace, pod, `${container}.log`);
}

export function startTestKubelet(options: StartTestNodeOptions): Daemon {
  return startDaemon({
    command: options.testKubelet,
    args: [
      `--kubeconfig=${options.adminKubeconfigPath}`,
      `--node-name=${TEST_NODE_NAME}`,
      `--root-dir=${options.rootDir}`,
      `--tls-cert-file=${options.pki.kubeletCertPath}`,
      `--tls-private-key-file=${options.pki.kubeletKeyPath}`,
      `--client-ca-file=${options.pki.caCertPath}`,
    ],
    cwd: options.runDir,
    logPath: options.logPath,
    dieWithParent: options.dieWithParent,
  });
}

interface NodeLike {
  status?: { conditions?: { type: string; status: string }[] };
}

const isReady = (node: NodeLike) =>
  node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

/**
 * Resolves when the node reports Ready (the kubelet registers it with its port), watching
 * rather than polling; rejects if the kubelet exits first or after timeoutMs.
 */
export async function waitForNodeReady(
  adminKubeconfigPath: string,
  kubelet: Daemon,
  timeoutMs: number,
): Promise<void> {
  const config = new KubeConfig();
  config.loadFromFile(adminKubeconfigPath);
  let stop: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`node ${TEST_NODE_NAME} was not Ready within ${timeoutMs} ms`));
      }, timeoutMs);
      kubelet.exited.then(({ code }) => {
        reject(new Error(`warren-test-kubelet exited (code ${String(code)}) before Ready`));
      }, reject);
      new Watch(config)
        .watch(
          "/api/v1/nodes",
          { fieldSelector: `metadata.name=${TEST_NODE_NAME}` },
          (_phase, node: NodeLike) => {
            if (isReady(node)) resolve();
          },
          (error: unknown) => {
            if (error instanceof Error) reject(error);
            else if (error) reject(new Error(`watching nodes failed: ${JSON.stringify(error)}`));
          },
        )
        .then((controller) => (stop = controller), reject);
    });
  } finally {
    clearTimeout(timer);
    stop?.abort();
  }
}
