// helm install charts/kube-agent into the real API server, then the agent run exactly as the
// StatefulSet would run it, as the chart's ServiceAccount: the chart's RBAC is enough, and no
// more than enough.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import {
  containerOf,
  Helm,
  KUBE_AGENT_CHART,
  one,
  setFlags,
  type Manifest,
} from "../support/helm.js";
import { applyRole, bindGroup, userKubeconfig } from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { withoutDetectedLabels } from "../support/detected-labels.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import { spawnWarren, type WarrenProcess } from "../support/warren-process.js";

const RELEASE = "warren-agent";
const CLUSTER = "charted";

let cluster: TestCluster;
let helm: Helm;
let hub: TestHub;
let scratch: string;
let namespace: string;
let values: Record<string, string>;
let rendered: Manifest[];
let tokenFile: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "chart-install-"));
  helm = new Helm(inject("k8sBinaries").helm, join(scratch, "helm"), cluster.adminKubeconfigPath);
  hub = await warren.hub();
  namespace = cluster.uniqueName("warren");
  values = {
    hubAddr: hub.addr,
    kubeClusterName: CLUSTER,
    authToken: await warren.token(
      hub,
      CLUSTER,
      "--labels",
      "env=charted",
      "--agent-label-keys",
      "tier",
    ),
    caPin: hub.caPin,
    "labels.tier": "gold",
  };
  rendered = await helm.template(RELEASE, namespace, values);
  tokenFile = join(scratch, "auth-token");
}, 120_000);

afterAll(async () => {
  // No controller runs Jobs here, so the post-delete hook is exercised on its own below.
  await helm.run(["uninstall", RELEASE, "-n", namespace, "--no-hooks"]);
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

/** The agent's environment as a StatefulSet sets it, with the downward API resolved. */
function statefulSetEnv(sts: Manifest, pod: string, tokenFile: string): Record<string, string> {
  const env = containerOf(sts).env;
  const fromChart = Object.fromEntries(env.map((e) => [e.name, e.value ?? ""]));
  return {
    ...fromChart,
    POD_NAME: pod,
    POD_NAMESPACE: namespace,
    // Where the chart mounts the Secret, here a file; the port must be free on this machine.
    WARREN_JOIN_TOKEN_FILE: tokenFile,
    WARREN_DIAGNOSTICS_ADDR: "127.0.0.1:0",
  };
}

async function runAsChartServiceAccount(
  serviceAccount: string,
  args: string[],
  env: Record<string, string>,
): Promise<WarrenProcess> {
  const token = await cluster.mintServiceAccountToken(namespace, serviceAccount);
  const kubeconfig = await cluster.writeTokenKubeconfig(token, serviceAccount, namespace);
  return spawnWarren("agent", args, { ...env, KUBECONFIG: kubeconfig });
}

const canI = async (...args: string[]) =>
  (
    await cluster.kubectl([
      "auth",
      "can-i",
      ...args,
      `--as=system:serviceaccount:${namespace}:${RELEASE}`,
    ])
  ).stdout.trim();

describe("helm install charts/kube-agent", () => {
  it("refuses a values file that misses a required value, with the schema's message", async () => {
    const bad = join(scratch, "bad-values.yaml");
    await writeFile(bad, `hubAddr: ${hub.addr}\nauthToken: x\n`);
    const refused = await helm.run([
      "install",
      "bad",
      KUBE_AGENT_CHART,
      "-n",
      namespace,
      "-f",
      bad,
    ]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("missing property 'kubeClusterName'");
    expect((await helm.run(["status", "bad", "-n", namespace])).exitCode).not.toBe(0);
  });

  it("installs into the real API server", async () => {
    const installed = await helm.run([
      "install",
      RELEASE,
      KUBE_AGENT_CHART,
      "-n",
      namespace,
      "--create-namespace",
      ...setFlags(values),
    ]);
    expect(installed.stderr).toBe("");
    expect(installed.stdout).toContain("STATUS: deployed");
    expect(installed.stdout).toContain("Check that it joined");
    const sts = await cluster.kubectl([
      "get",
      "statefulset",
      RELEASE,
      "-n",
      namespace,
      "-o",
      "name",
    ]);
    expect(sts.stdout.trim()).toBe(`statefulset.apps/${RELEASE}`);
  });

  it("runs an agent as the chart's ServiceAccount that joins, keeps its state and serves kubectl", async () => {
    const secret = await cluster.core.readNamespacedSecret({
      name: `${RELEASE}-join-token`,
      namespace,
    });
    await writeFile(tokenFile, Buffer.from(secret.data?.["auth-token"] ?? "", "base64"));
    const agent = await runAsChartServiceAccount(
      RELEASE,
      ["start"],
      statefulSetEnv(one(rendered, "StatefulSet"), `${RELEASE}-0`, tokenFile),
    );
    try {
      await agent.logs.waitForMessage("agent ready");
      const checked = await agent.logs.waitForMessage("cluster health changed");
      expect(checked.state).toBe("healthy");
      const state = await cluster.core.readNamespacedSecret({
        name: `${RELEASE}-0-state`,
        namespace,
      });
      expect(Object.keys(state.data ?? {})).toContain("certificate.pem");
      await agent.logs.waitForMessage("tunnel up");
      // The hub knows where the chart put it, for fixes that name the release and namespace.
      const listed = await hub.warrenctl("clusters", "ls", "--format", "json");
      const [placed] = (
        JSON.parse(listed.stdout) as { agents: { placement: Record<string, string> }[] }[]
      ).flatMap((c) => c.agents);
      expect(placed?.placement).toEqual({
        namespace,
        pod: `${RELEASE}-0`,
        statefulSet: RELEASE,
        helmRelease: RELEASE,
        chartVersion: "0.1.0",
      });
      await bindGroup(cluster, namespace, "charted-readers", await secretReaderRole(), "Role");
      const kubeconfig = await readerKubeconfig("carla", "charted", "{ env: charted }");
      const through = await listSecrets(kubeconfig);
      expect(through.stderr).toBe("");
      expect(through.stdout).toContain(`secret/${RELEASE}-0-state`);
    } finally {
      await agent.stop();
    }
  });

  it("follows a helm upgrade of its labels: same state, and RBAC matches the new ones", async () => {
    const kubeconfig = await readerKubeconfig("gina", "charted-gold", "{ tier: gold }");
    const getSecrets = () => listSecrets(kubeconfig);
    const before = await runLiveAgent();
    const joined = await before.logs.waitForMessage("agent ready");
    await before.logs.waitForMessage("tunnel up");
    expect((await getSecrets()).stderr).toBe("");
    await before.stop();

    const upgraded = await helm.run([
      "upgrade",
      RELEASE,
      KUBE_AGENT_CHART,
      "-n",
      namespace,
      "--reuse-values",
      "--set",
      "labels.tier=silver",
    ]);
    expect(upgraded.stdout).toContain("STATUS: deployed");
    const followed = hub.process.logs.mark();
    const after = await runLiveAgent();
    try {
      expect((await after.logs.waitForMessage("agent ready")).agentId).toBe(joined.agentId);
      await hub.process.logs.waitFor(
        (e) => e.msg === "the cluster's labels follow its agent" && e.cluster === CLUSTER,
        "the hub following the upgraded labels",
        30_000,
        followed,
      );
      const listed = await hub.warrenctl("clusters", "ls", "--format", "json");
      const [charted] = withoutDetectedLabels(
        JSON.parse(listed.stdout) as { name: string; labels: Record<string, string> }[],
      ).filter((c) => c.name === CLUSTER);
      expect(charted?.labels).toEqual({ env: "charted", tier: "silver" });
      const refused = await getSecrets();
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stderr).toContain("none matches its labels");
    } finally {
      await after.stop();
    }
  });

  it("grants the ServiceAccount no more than that", async () => {
    expect(await canI("list", "secrets", "--all-namespaces")).toBe("no");
    expect(await canI("list", "secrets", "-n", namespace)).toBe("no");
    expect(await canI("delete", "secrets", "-n", namespace)).toBe("no");
    expect(await canI("get", "secrets", "-n", "default")).toBe("no");
    // The join token's Secret, and any other in the namespace, hold nothing the agent reads.
    expect(await canI("get", `secret/${RELEASE}-join-token`, "-n", namespace)).toBe("no");
    expect(await canI("get", `secret/${RELEASE}-0-state`, "-n", namespace)).toBe("yes");
    expect(await canI("update", `secret/${RELEASE}-1-state`, "-n", namespace)).toBe("no");
    expect(await canI("create", "pods", "-n", namespace)).toBe("no");
    expect(await canI("impersonate", "users")).toBe("yes");
  });

  it("removes the -state Secrets with the post-delete hook's own account", async () => {
    const hookObjects = rendered.filter(
      (m) => m.metadata.annotations?.["helm.sh/hook"] === "post-delete" && m.kind !== "Job",
    );
    const applied = await cluster.kubectl(
      ["apply", "-n", namespace, "-f", "-"],
      cluster.adminKubeconfigPath,
      { input: hookObjects.map((m) => JSON.stringify(m)).join("\n---\n") },
    );
    expect(applied.exitCode).toBe(0);
    const args = containerOf(one(rendered, "Job")).args ?? [];
    const cleanup = await runAsChartServiceAccount(`${RELEASE}-cleanup`, args, {
      POD_NAMESPACE: namespace,
    });
    expect(await cleanup.exited).toBe(0);
    expect(cleanup.logs.text()).toContain(`deleted secret ${namespace}/${RELEASE}-0-state`);
    const left = await cluster.kubectl(["get", "secrets", "-n", namespace, "-o", "name"]);
    expect(left.stdout).not.toContain("-state");
    expect(left.stdout).toContain(`secret/${RELEASE}-join-token`);
  });
});

/** A user whose role lets group charted-readers in on clusters with `labels`. */
async function readerKubeconfig(user: string, role: string, labels: string): Promise<string> {
  await applyRole(
    hub,
    scratch,
    role,
    `kind: role\nmetadata: { name: ${role} }\nspec:\n  allow:\n    kubernetes_labels: ${labels}\n` +
      '    kubernetes_groups: ["charted-readers"]\n',
  );
  return userKubeconfig(hub, scratch, user, role);
}

const listSecrets = (kubeconfig: string) =>
  cluster.kubectl(["get", "secrets", "-n", namespace, "-o", "name"], kubeconfig);

/** The agent as the StatefulSet in the API server runs it now (after any helm upgrade). */
async function runLiveAgent(): Promise<WarrenProcess> {
  const live = await cluster.kubectl([
    "get",
    "statefulset",
    RELEASE,
    "-n",
    namespace,
    "-o",
    "json",
  ]);
  const sts = JSON.parse(live.stdout) as Manifest;
  return runAsChartServiceAccount(
    RELEASE,
    ["start"],
    statefulSetEnv(sts, `${RELEASE}-0`, tokenFile),
  );
}

/** A Role of the namespace that lets its group read secrets there: something to reach. */
async function secretReaderRole(): Promise<string> {
  const name = "charted-secret-reader";
  await cluster.rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
    },
  });
  return name;
}
