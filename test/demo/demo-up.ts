import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { ensureBinaries } from "../k8s/binaries.js";
import { stopDaemon, type Daemon } from "../k8s/daemon.js";
import { TestCluster } from "../k8s/index.js";
import { startLocalCluster } from "../k8s/local-cluster.js";
import { containerOf, Helm, one } from "../support/helm.js";
import { loopbackListenArgs, runWarrenctl } from "../support/test-hub.js";
import { demoPaths, writeDemoState, type DemoState } from "./demo-state.js";
import { startWarrenDaemon, waitForLogEntry } from "./warren-daemons.js";

export const DEMO_CLUSTER = "local";
const AGENT_NAMESPACE = "warren";
const AGENT_POD = "warren-agent-0";
const ADMIN_GROUP = "warren-demo-admins";

type Paths = ReturnType<typeof demoPaths>;

async function warrenctl(paths: Paths, ...argv: string[]): Promise<string> {
  const result = await runWarrenctl([...argv, "--data-dir", paths.hubData]);
  if (result.code !== 0) throw new Error(`warrenctl ${argv.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

interface RunningHub {
  daemon: Daemon;
  apiAddr: string;
  kubeUrl: string;
  caPin: string;
}

async function startHub(paths: Paths): Promise<RunningHub> {
  const logPath = join(paths.logs, "hub.log");
  const daemon = startWarrenDaemon(
    "hub",
    ["start", "--data-dir", paths.hubData, ...loopbackListenArgs()],
    logPath,
  );
  const ready = await waitForLogEntry(daemon, logPath, "hub ready");
  return {
    daemon,
    apiAddr: String(ready.apiAddr),
    kubeUrl: String(ready.kubeUrl),
    caPin: String(ready.caPin),
  };
}

/**
 * The agent as the Helm chart would run it: the chart's ServiceAccount, RBAC and token Secret
 * applied to the cluster, and the StatefulSet's environment. Only the pod is simulated: this
 * cluster's node runs no images, so the agent runs here as that pod would.
 */
async function startAgent(cluster: TestCluster, helm: Helm, paths: Paths, hub: RunningHub) {
  const minted = JSON.parse(
    await warrenctl(
      paths,
      "tokens",
      "add",
      "--type",
      "kube",
      "--cluster",
      DEMO_CLUSTER,
      "--labels",
      "env=demo",
      "--format",
      "json",
    ),
  ) as { token: string };
  const manifests = await helm.template("warren-agent", AGENT_NAMESPACE, {
    hubAddr: hub.apiAddr,
    kubeClusterName: DEMO_CLUSTER,
    authToken: minted.token,
    caPin: hub.caPin,
  });
  await cluster.kubectl(["create", "namespace", AGENT_NAMESPACE]);
  const objects = manifests.filter(
    (m) =>
      !m.metadata.annotations?.["helm.sh/hook"] && !["StatefulSet", "Service"].includes(m.kind),
  );
  const applied = await cluster.kubectl(["apply", "-n", AGENT_NAMESPACE, "-f", "-"], undefined, {
    input: objects.map((m) => JSON.stringify(m)).join("\n---\n"),
  });
  if (applied.exitCode !== 0) throw new Error(`applying the chart's objects: ${applied.stderr}`);
  const saToken = await cluster.mintServiceAccountToken(AGENT_NAMESPACE, "warren-agent", 86_400);
  const kubeconfig = await cluster.writeTokenKubeconfig(saToken, "warren-agent", AGENT_NAMESPACE);
  const tokenFile = join(paths.work, "auth-token");
  await writeFile(tokenFile, minted.token, { mode: 0o600 });
  const env = Object.fromEntries(
    containerOf(one(manifests, "StatefulSet")).env.map((e) => [e.name, e.value ?? ""]),
  );
  const logPath = join(paths.logs, "agent.log");
  const daemon = startWarrenDaemon("agent", ["start"], logPath, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...env,
    POD_NAME: AGENT_POD,
    POD_NAMESPACE: AGENT_NAMESPACE,
    WARREN_JOIN_TOKEN_FILE: tokenFile,
    WARREN_DIAGNOSTICS_ADDR: "127.0.0.1:0",
    KUBECONFIG: kubeconfig,
  });
  await waitForLogEntry(daemon, logPath, "tunnel up");
  return daemon;
}

/** A user "demo" whose role maps to a group bound to cluster-admin on env=demo clusters. */
async function addDemoUser(cluster: TestCluster, paths: Paths): Promise<void> {
  await cluster.kubectl([
    "create",
    "clusterrolebinding",
    ADMIN_GROUP,
    "--clusterrole=cluster-admin",
    `--group=${ADMIN_GROUP}`,
  ]);
  const role = join(paths.work, "demo-role.yaml");
  await writeFile(
    role,
    `kind: role\nmetadata: { name: demo }\nspec:\n  allow:\n    kubernetes_labels: { env: demo }\n    kubernetes_groups: ["${ADMIN_GROUP}"]\n`,
  );
  await warrenctl(paths, "create", "-f", role);
  await warrenctl(paths, "users", "add", "demo", "--roles", "demo");
  await warrenctl(
    paths,
    "auth",
    "sign",
    "--user",
    "demo",
    "--format",
    "kubernetes",
    "--out",
    paths.userKubeconfig,
  );
}

/**
 * Brings up the local Kubernetes, a hub, an agent joined with a fresh token, a user and role
 * and their kubeconfig, and a pod to exec into; returns `kubectl get ns` through the hub.
 */
export async function startDemo(dir: string, log: (line: string) => void): Promise<string> {
  const paths = demoPaths(dir);
  await rm(paths.logs, { recursive: true, force: true });
  await Promise.all([paths.logs, paths.work].map((d) => mkdir(d, { recursive: true })));
  const binaries = await ensureBinaries({ log });
  log("starting etcd, kube-apiserver and the test node");
  await startLocalCluster({ dir: paths.k8s, binaries, dieWithParent: false });
  const cluster = await TestCluster.load(paths.k8s);
  log("starting warren-hub");
  const hub = await startHub(paths);
  const started: Daemon[] = [hub.daemon];
  try {
    log("joining warren-agent with a fresh token, as the Helm chart runs it");
    const agent = await startAgent(
      cluster,
      new Helm(binaries.helm, join(paths.work, "helm")),
      paths,
      hub,
    );
    started.push(agent);
    const state: DemoState = {
      hub: { pid: hub.daemon.pid, command: hub.daemon.command },
      agent: { pid: agent.pid, command: agent.command },
      kubeUrl: hub.kubeUrl,
      userKubeconfig: paths.userKubeconfig,
    };
    await writeDemoState(dir, state);
    log("adding user demo with role demo, and a pod to exec into");
    await addDemoUser(cluster, paths);
    await cluster.kubectl(["create", "namespace", "demo"]);
    await cluster.runPod("demo", "hello");
    const getNs = await cluster.kubectl(["get", "ns"], paths.userKubeconfig);
    if (getNs.exitCode !== 0) throw new Error(`kubectl get ns through the hub: ${getNs.stderr}`);
    return getNs.stdout;
  } catch (error) {
    await Promise.all(started.map((d) => stopDaemon(d)));
    throw error;
  }
}
