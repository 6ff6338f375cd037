import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { KubeConfig } from "@kubernetes/client-node";

import { ensureBinaries } from "../../k8s/binaries.js";
import { TestCluster } from "../../k8s/index.js";
import { startLocalCluster, stopLocalCluster } from "../../k8s/local-cluster.js";
import { spawnAgent } from "../../support/agent-in-cluster.js";
import {
  applyRole,
  bindExec,
  bindGroup,
  kubeconfigTls,
  proxyAgentNamespace,
  userKubeconfig,
} from "../../support/kube-through-hub.js";
import { startTestHub, type TestHub } from "../../support/test-hub.js";
import { startRemotedialerPeer } from "../peers/remotedialer-peer.js";
import { progress } from "../stats.js";
import { kubeClient, sendJson, type KubeClient } from "./https-client.js";

const CLUSTER = "bench";

/** The agent's own token: the peer impersonates with it, as Rancher's proxy does with its agent's. */
function kubeconfigToken(path: string): string {
  const config = new KubeConfig();
  config.loadFromFile(path);
  const token = config.getCurrentUser()?.token;
  if (!token) throw new Error(`${path} holds no token`);
  return token;
}
const USER = "bench-user";
const GROUP = "bench-readers";

/** The same user reaching the same API server three ways. */
export interface KubeRig {
  /** Straight to the API server with a certificate from the cluster's CA. */
  direct: KubeClient;
  /** Through the hub and the agent, with the certificate warrenctl auth sign issued. */
  throughHub: KubeClient;
  /** Through the hub as a user whose kubernetes_resources make the hub filter lists. */
  filteredThroughHub: KubeClient;
  /** The same user through the peer: Rancher's remotedialer tunnel (see ../peers). */
  peer: KubeClient;
  /** As the cluster's admin, to create what is measured. */
  admin: KubeClient;
  namespace: string;
  /** The processes on either path, for CPU accounting. */
  pids: {
    hub: number;
    agent: number;
    peerServer: number;
    peerClient: number;
    kubeApiserver: number;
    etcd: number;
  };
  /** Kubeconfigs for kubectl exec into `pod`: straight, through the hub recorded and not. */
  exec: { pod: string; direct: string; recorded: string; unrecorded: string };
  cluster: TestCluster;
  /** warrenctl users lock / unlock of the user throughHub acts as. */
  lockUser(): Promise<void>;
  unlockUser(): Promise<void>;
  close(): Promise<void>;
}

const ROLE = `kind: role
metadata: { name: bench }
spec:
  allow:
    kubernetes_labels: { "*": "*" }
    kubernetes_groups: ["${GROUP}"]
`;

const EXEC_POD = "bench-shell";

const UNRECORDED_ROLE = `kind: role
metadata: { name: bench-unrecorded }
spec:
  options: { record_sessions: false }
  allow:
    kubernetes_labels: { "*": "*" }
    kubernetes_groups: ["${GROUP}"]
`;

/** Names every bulk-N ConfigMap: lists of the namespace pass through the object filter. */
const filteredRole = (namespace: string) => `kind: role
metadata: { name: bench-filtered }
spec:
  allow:
    kubernetes_labels: { "*": "*" }
    kubernetes_groups: ["${GROUP}"]
    kubernetes_resources:
      - { kind: configmaps, api_group: "", namespace: ${namespace}, name: "bulk-*", verbs: [get, list, watch] }
`;

async function grantReads(cluster: TestCluster, namespace: string): Promise<void> {
  const name = cluster.uniqueName("bench-reader");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    },
  });
  await bindGroup(cluster, namespace, GROUP, name);
}

async function warrenctlOk(hub: TestHub, ...argv: string[]): Promise<void> {
  const result = await hub.warrenctl(...argv);
  if (result.code !== 0) throw new Error(`warrenctl ${argv.join(" ")}: ${result.stderr}`);
}

/**
 * A local cluster, a hub (logging at info, as deployed) and one agent, and one user allowed
 * to read configmaps in one namespace, both directly and through Warren.
 */
export async function startKubeRig(): Promise<KubeRig> {
  const scratch = await mkdtemp(join(tmpdir(), "warren-bench-kube-"));
  const binaries = await ensureBinaries({ log: progress });
  const state = await startLocalCluster({ dir: scratch, binaries, dieWithParent: true });
  const cluster = await TestCluster.load(scratch);
  const namespace = await cluster.createNamespace("bench");
  await grantReads(cluster, namespace);
  const hub = await startTestHub({ args: ["--log-level", "info"] });
  const where = await proxyAgentNamespace(cluster, "bench-agent");
  const agent = spawnAgent({
    hubAddr: hub.addr,
    clusterName: CLUSTER,
    podName: "warren-agent-0",
    where,
    token: (await hub.mintToken("--type", "kube", "--cluster", CLUSTER)).token,
    env: { WARREN_LOG_LEVEL: "info" },
  });
  await agent.logs.waitForMessage("agent ready");
  await applyRole(hub, scratch, "bench", ROLE);
  const userConfig = await userKubeconfig(hub, scratch, USER, "bench");
  const hubTls = await kubeconfigTls(userConfig);
  // exec: a pod on the test node, and a user whose role records no session.
  await Promise.all([cluster.runPod(namespace, EXEC_POD), bindExec(cluster, namespace, GROUP)]);
  await applyRole(hub, scratch, "bench-unrecorded", UNRECORDED_ROLE);
  const unrecordedConfig = await userKubeconfig(
    hub,
    scratch,
    `${USER}-unrecorded`,
    "bench-unrecorded",
  );
  await applyRole(hub, scratch, "bench-filtered", filteredRole(namespace));
  const filteredTls = await kubeconfigTls(
    await userKubeconfig(hub, scratch, `${USER}-filtered`, "bench-filtered"),
  );
  const own = await cluster.clientCertificate(USER, [GROUP]);
  const adminUser = cluster.admin.getCurrentUser();
  const admin = kubeClient(state.server, {
    ca: cluster.caPem,
    cert: Buffer.from(adminUser?.certData ?? "", "base64").toString(),
    key: Buffer.from(adminUser?.keyData ?? "", "base64").toString(),
  });
  const peer = await startRemotedialerPeer({
    dir: scratch,
    upstream: state.server,
    upstreamCaPem: cluster.caPem,
    token: kubeconfigToken(where.kubeconfig),
    clientCaPem: cluster.caPem,
  });
  // What latency and load GET.
  await sendJson(admin, "POST", `/api/v1/namespaces/${namespace}/configmaps`, {
    metadata: { name: "small" },
    data: { greeting: "hello" },
  });
  return {
    direct: kubeClient(state.server, { ca: cluster.caPem, cert: own.certPem, key: own.keyPem }),
    throughHub: kubeClient(`${hub.kubeUrl}/k8s/${CLUSTER}`, hubTls),
    filteredThroughHub: kubeClient(`${hub.kubeUrl}/k8s/${CLUSTER}`, filteredTls),
    peer: kubeClient(peer.base, { ca: peer.servingCaPem, cert: own.certPem, key: own.keyPem }),
    admin,
    namespace,
    exec: {
      pod: EXEC_POD,
      direct: cluster.adminKubeconfigPath,
      recorded: userConfig,
      unrecorded: unrecordedConfig,
    },
    cluster,
    pids: {
      hub: hub.process.pid,
      agent: agent.pid,
      ...peer.pids,
      kubeApiserver: state.processes.kubeApiserver.pid,
      etcd: state.processes.etcd.pid,
    },
    lockUser: () => warrenctlOk(hub, "users", "lock", USER),
    unlockUser: () => warrenctlOk(hub, "users", "unlock", USER),
    close: async () => {
      await peer.close();
      await agent.stop();
      await hub.process.stop();
      await stopLocalCluster(scratch);
      await rm(scratch, { recursive: true, force: true });
      await rm(hub.dataDir, { recursive: true, force: true });
    },
  };
}
