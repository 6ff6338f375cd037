import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startPostgresServer, type PostgresServer } from "@warren/store/testing";

import { ensureBinaries } from "../../k8s/binaries.js";
import { TestCluster } from "../../k8s/index.js";
import { startLocalCluster, stopLocalCluster } from "../../k8s/local-cluster.js";
import { spawnAgent } from "../../support/agent-in-cluster.js";
import {
  applyRole,
  bindGroup,
  kubeconfigTls,
  proxyAgentNamespace,
  userKubeconfig,
} from "../../support/kube-through-hub.js";
import { startTestHub, type TestHub } from "../../support/test-hub.js";
import type { WarrenProcess } from "../../support/warren-process.js";
import { progress } from "../stats.js";

const GROUP = "ha-bench-readers";
const ROLE = `kind: role
metadata: { name: bench }
spec:
  allow:
    kubernetes_labels: { "*": "*" }
    kubernetes_groups: ["${GROUP}"]
`;

export interface HaRig {
  /** The replica the agents joined through. */
  first: TestHub;
  cluster: TestCluster;
  postgres: PostgresServer;
  namespace: string;
  clusters: string[];
  agents: WarrenProcess[];
  /** The user's TLS material (any replica accepts it: one CA). */
  tls: { ca: string; cert: string; key: string };
  scratch: string;
  startReplica(): Promise<TestHub>;
  close(): Promise<void>;
}

/** A local cluster, PostgreSQL, and `agents` agents (one cluster each); replicas on demand. */
export async function startHaRig(agentCount: number): Promise<HaRig> {
  const scratch = await mkdtemp(join(tmpdir(), "warren-bench-ha-"));
  const binaries = await ensureBinaries({ log: progress });
  await startLocalCluster({ dir: scratch, binaries, dieWithParent: true });
  const cluster = await TestCluster.load(scratch);
  const postgres = await startPostgresServer();
  const hubs: TestHub[] = [];
  const startReplica = async () => {
    const hub = await startTestHub({
      args: [
        "--log-level",
        "info",
        "--store-url",
        postgres.url,
        "--store-password-file",
        postgres.passwordFile,
      ],
      env: { WARREN_HUB_REPLICA_HEARTBEAT_INTERVAL: "1s" },
    });
    hubs.push(hub);
    return hub;
  };
  const first = await startReplica();
  const namespace = await cluster.createNamespace("ha-bench");
  const reader = cluster.uniqueName("ha-bench-reader");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: reader },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    },
  });
  await bindGroup(cluster, namespace, GROUP, reader);
  await applyRole(first, scratch, "bench", ROLE);
  const clusters = Array.from({ length: agentCount }, (_, i) => `ha-${String(i)}`);
  const agents = await Promise.all(
    clusters.map(async (name) =>
      spawnAgent({
        hubAddr: first.addr,
        clusterName: name,
        podName: "warren-agent-0",
        where: await proxyAgentNamespace(cluster, `${name}-agent`),
        token: (await first.mintToken("--type", "kube", "--cluster", name)).token,
        env: { WARREN_LOG_LEVEL: "info" },
      }),
    ),
  );
  await Promise.all(agents.map((agent) => agent.logs.waitForMessage("agent ready")));
  const tls = await kubeconfigTls(await userKubeconfig(first, scratch, "bench-user", "bench"));
  return {
    first,
    cluster,
    postgres,
    namespace,
    clusters,
    agents,
    tls,
    scratch,
    startReplica,
    close: async () => {
      await Promise.all(agents.map((agent) => agent.stop()));
      await Promise.all(hubs.map((hub) => hub.process.stop()));
      await postgres.stop();
      await stopLocalCluster(scratch);
      await rm(scratch, { recursive: true, force: true });
      await Promise.all(hubs.map((hub) => rm(hub.dataDir, { recursive: true, force: true })));
    },
  };
}

/** Resolves once `hub` has logged a tunnel from an agent of each of `clusters`. */
export async function tunnelsFrom(hub: TestHub, clusters: readonly string[]): Promise<void> {
  await Promise.all(
    clusters.map((name) =>
      hub.process.logs.waitFor(
        (e) => e.msg === "agent connected" && e.cluster === name,
        `a tunnel from ${name}`,
        60_000,
      ),
    ),
  );
}
