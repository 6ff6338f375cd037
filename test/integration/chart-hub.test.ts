// charts/hub rendered and installed by the real helm, and its rendered configuration run by a
// real warren-hub.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { containerOf, Helm, one, podOf, setFlags } from "../support/helm.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

const HUB_CHART = fileURLToPath(new URL("../../charts/hub", import.meta.url));
const VALUES = { "publicAddrs[0]": "hub.example.com:3025", kubePublicAddr: "kube.example.com:443" };

let cluster: TestCluster;
let helm: Helm;
let scratch: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "chart-hub-"));
  helm = new Helm(inject("k8sBinaries").helm, join(scratch, "helm"), cluster.adminKubeconfigPath);
});

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

const render = (values: Record<string, string | number | boolean> = {}) =>
  helm.template("warren-hub", "warren", { ...VALUES, ...values }, HUB_CHART);

describe("charts/hub", () => {
  it("lints clean, and names a missing public address", async () => {
    const linted = await helm.run(["lint", HUB_CHART, ...setFlags(VALUES)]);
    expect(linted.exitCode).toBe(0);
    const missing = await helm.run(["template", "h", HUB_CHART]);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain("at '/publicAddrs': minItems");
  });

  it("keeps the data directory on a PersistentVolume and runs one non-root replica", async () => {
    const manifests = await render({ "persistence.size": "5Gi" });
    const sts = one(manifests, "StatefulSet", "warren-hub");
    expect(sts.spec?.replicas).toBe(1);
    const claims = (sts.spec as { volumeClaimTemplates: { spec: unknown }[] }).volumeClaimTemplates;
    expect(claims[0]?.spec).toMatchObject({ resources: { requests: { storage: "5Gi" } } });
    expect(podOf(sts).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(containerOf(sts).securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    const service = one(manifests, "Service");
    expect((service.spec as { ports: { name: string; port: number }[] }).ports).toEqual([
      { name: "api", port: 3025, targetPort: "api" },
      { name: "tunnel", port: 3024, targetPort: "tunnel" },
      { name: "kube", port: 3026, targetPort: "kube" },
      // Identity providers send browsers back here after an SSO login.
      { name: "web", port: 3080, targetPort: "web" },
    ]);
  });

  it("runs several replicas on a PostgreSQL store from a Secret, and refuses them without one", async () => {
    const refused = await helm.run([
      "template",
      "h",
      HUB_CHART,
      ...setFlags({ ...VALUES, replicaCount: 2 }),
    ]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("replicaCount > 1 needs a shared store");
    const manifests = await render({
      replicaCount: 3,
      "store.existingSecret": "hub-db",
      "store.passwordKey": "password",
    });
    const sts = one(manifests, "StatefulSet", "warren-hub");
    expect(sts.spec).toMatchObject({ replicas: 3, podManagementPolicy: "Parallel" });
    expect((sts.spec as { volumeClaimTemplates?: unknown }).volumeClaimTemplates).toBeUndefined();
    const container = containerOf(sts) as unknown as {
      env: unknown[];
      readinessProbe: unknown;
      volumeMounts: unknown[];
    };
    expect(container.env).toEqual([
      {
        name: "WARREN_STORE_URL",
        valueFrom: { secretKeyRef: { name: "hub-db", key: "url" } },
      },
      { name: "WARREN_STORE_PASSWORD_FILE", value: "/etc/warren/store/password" },
    ]);
    expect(container.readinessProbe).toMatchObject({
      httpGet: { path: "/readyz", port: "metrics" },
    });
    expect(container.volumeMounts).toContainEqual(
      expect.objectContaining({ name: "store-password", mountPath: "/etc/warren/store" }),
    );
    const pod = podOf(sts) as unknown as {
      affinity: { podAntiAffinity: unknown };
      volumes: unknown[];
    };
    expect(pod.volumes).toContainEqual({ name: "data", emptyDir: {} });
    expect(JSON.stringify(pod.affinity.podAntiAffinity)).toContain("kubernetes.io/hostname");
    expect(one(manifests, "PodDisruptionBudget").spec).toMatchObject({ minAvailable: 1 });
  });

  it("renders a configuration a real warren-hub starts with, its addresses and TLS names from values", async () => {
    const manifests = await render({ "config.token_ttl": "10m" });
    const configMap = one(manifests, "ConfigMap") as unknown as { data: { "hub.yaml": string } };
    const config = parse(configMap.data["hub.yaml"]) as Record<string, string>;
    expect(config).toMatchObject({
      public_addr: "hub.example.com:3025",
      kube_public_addr: "kube.example.com:443",
      token_ttl: "10m",
    });
    const path = join(scratch, "hub.yaml");
    await writeFile(path, configMap.data["hub.yaml"]);
    // The chart's file as is; only the data directory and ports are this machine's.
    const hub = await warren.hub({ args: ["--config", path] });
    const ready = await hub.process.logs.waitForMessage("hub ready");
    expect(ready.publicAddrs).toEqual(["hub.example.com:3025"]);
    expect(ready.kubeUrl).toBe("https://kube.example.com:443");
    const minted = await hub.warrenctl("tokens", "add", "--type", "kube", "--cluster", "c");
    expect(minted.stdout).toContain("--set hubAddr=hub.example.com:3025");
  });

  it("operator.enabled: the CRDs, the operator beside the hub joining by ServiceAccount, and a hub that keeps its token", async () => {
    expect((await render()).filter((m) => m.kind === "CustomResourceDefinition")).toEqual([]);
    const manifests = await render({ "operator.enabled": true });
    const crds = manifests.filter((m) => m.kind === "CustomResourceDefinition");
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([
      "warrengithubconnectors.resources.warren.dev",
      "warrenoidcconnectors.resources.warren.dev",
      "warrenprovisiontokens.resources.warren.dev",
      "warrenroles.resources.warren.dev",
      "warrenusers.resources.warren.dev",
    ]);
    const operator = one(manifests, "Deployment", "warren-hub-operator");
    const env = Object.fromEntries(containerOf(operator).env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      WARREN_HUB_ADDR: "warren-hub.warren.svc:3025",
      WARREN_PROVISION_TOKEN: "warren-operator",
    });
    const joinVolume = podOf(operator).volumes?.find((v) => v.name === "join");
    expect(joinVolume?.projected?.sources[0]?.serviceAccountToken).toEqual({
      path: "token",
      audience: "hub.example.com",
      expirationSeconds: 600,
    });
    expect(one(manifests, "ClusterRoleBinding").roleRef).toMatchObject({
      name: "system:auth-delegator",
    });
    expect(one(manifests, "Role", "warren-hub-operator").rules).not.toContainEqual(
      expect.objectContaining({ resources: ["secrets"] }),
    );
    // The rendered configuration, run by a real hub: it keeps the operator's provision token.
    const configMap = one(manifests, "ConfigMap") as unknown as { data: { "hub.yaml": string } };
    const path = join(scratch, "hub-operator.yaml");
    await writeFile(path, configMap.data["hub.yaml"]);
    const hub = await warren.hub({ args: ["--config", path] });
    const listed = JSON.parse(
      (await hub.warrenctl("provision-tokens", "ls", "--format", "json")).stdout,
    ) as unknown[];
    expect(listed).toEqual([
      expect.objectContaining({
        name: "warren-operator",
        type: "admin",
        for: "warren-operator",
        check: "in_cluster",
        allow: ["warren:warren-hub-operator"],
      }),
    ]);
  });

  it("installs into the real API server", async () => {
    const namespace = cluster.uniqueName("warren-hub");
    const installed = await helm.run([
      "install",
      "warren-hub",
      HUB_CHART,
      "-n",
      namespace,
      "--create-namespace",
      ...setFlags(VALUES),
    ]);
    expect(installed.stdout).toContain("STATUS: deployed");
    const sts = await cluster.kubectl([
      "get",
      "statefulset,service,configmap",
      "-n",
      namespace,
      "-o",
      "name",
    ]);
    expect(sts.stdout).toContain("statefulset.apps/warren-hub");
    expect(sts.stdout).toContain("service/warren-hub");
    await helm.run(["uninstall", "warren-hub", "-n", namespace]);
  });
});
