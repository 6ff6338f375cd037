// kubectl through the hub: real kubectl, a real API server and real RBAC, with the agent
// impersonating what the user's roles resolve to.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { eventually } from "../support/eventually.js";
import {
  applyRole,
  bindGroup,
  proxyAgentNamespace,
  rawKubeRequest,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import type { WarrenProcess } from "../support/warren-process.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
let agent: WarrenProcess;
const warren = new WarrenFixtures();
const kube: Record<string, string> = {};

const role = (name: string, allow: string, deny = "") =>
  `kind: role\nmetadata: { name: ${name} }\nspec:\n  allow:\n${allow}\n${deny ? `  deny:\n${deny}\n` : ""}`;

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "kube-proxy-"));
  hub = await warren.hub();
  const where = await proxyAgentNamespace(cluster, "proxy-agent");
  const token = await warren.token(hub, "one", "--labels", "env=dev");
  agent = warren.agent({
    hubAddr: hub.addr,
    clusterName: "one",
    podName: "warren-agent-0",
    where,
    token,
  });
  await agent.logs.waitForMessage("agent ready");
  appNs = await cluster.createNamespace("app");
  // edit and view are aggregated by the controller manager, which this cluster does not run.
  const editor = cluster.uniqueName("app-editor");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: editor },
      rules: [{ apiGroups: [""], resources: ["configmaps", "pods"], verbs: ["*"] }],
    },
  });
  await bindGroup(cluster, appNs, "warren-devs", editor);
  await cluster.rbac.createNamespacedRole({
    namespace: appNs,
    body: {
      metadata: { name: "secret-reader" },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
    },
  });
  await bindGroup(cluster, appNs, "group-b", "secret-reader", "Role");
  await applyRole(
    hub,
    scratch,
    "dev",
    role(
      "dev",
      `    kubernetes_labels: { env: ["dev", "staging"] }\n    kubernetes_groups: ["warren-devs"]`,
      `    kubernetes_groups: ["system:masters"]`,
    ),
  );
  await applyRole(
    hub,
    scratch,
    "two-groups",
    role(
      "two-groups",
      `    kubernetes_labels: { "*": "*" }\n    kubernetes_groups: ["group-a", "group-b"]`,
    ),
  );
  await applyRole(
    hub,
    scratch,
    "prod-only",
    role(
      "prod-only",
      `    kubernetes_labels: { env: prod }\n    kubernetes_groups: ["warren-devs"]`,
    ),
  );
  kube.alice = await userKubeconfig(hub, scratch, "alice", "dev");
  kube.bob = await userKubeconfig(hub, scratch, "bob", "two-groups");
  kube.carol = await userKubeconfig(hub, scratch, "carol", "dev");
  await hub.warrenctl("users", "update", "carol", "--roles", "prod-only");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

const as = (user: string, ...args: string[]) => cluster.kubectl(args, kube[user]);

describe("kubectl through the hub", () => {
  it("has the agent check its own permissions and name the one it lacks", async () => {
    // The test grants impersonation only; the chart's ClusterRole adds get on pods.
    const warning = await agent.logs.waitForMessage("cluster health changed");
    expect(warning.state).toBe("missing_permissions");
    expect(warning.missing).toEqual(["get pods"]);
  });

  it("writes a kubeconfig plain kubectl uses: the hub's CA, a client certificate, one context per cluster", async () => {
    const config = parse(await readFile(kube.alice ?? "", "utf8")) as {
      clusters: { name: string; cluster: { server: string } }[];
      "current-context": string;
    };
    expect(config.clusters).toEqual([
      {
        name: "warren-one",
        cluster: expect.objectContaining({
          server: `${hub.kubeUrl}/k8s/one`,
          "tls-server-name": "one.kube.warren.internal",
        }) as unknown,
      },
    ]);
    expect(config["current-context"]).toBe("warren-one");
  });

  it("gets, applies and deletes through the hub", async () => {
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: through-hub, namespace: ${appNs} }\ndata: { a: "1" }\n`;
    const applied = await cluster.kubectl(["apply", "-f", "-"], kube.alice, { input: manifest });
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toContain("configmap/through-hub created");
    const got = await as(
      "alice",
      "get",
      "configmap",
      "through-hub",
      "-n",
      appNs,
      "-o",
      "jsonpath={.data.a}",
    );
    expect(got.stdout).toBe("1");
    const deleted = await as("alice", "delete", "configmap", "through-hub", "-n", appNs);
    expect(deleted.stdout).toContain("deleted");
    const listed = await as("alice", "get", "configmaps", "-n", appNs, "-o", "name");
    expect(listed.stdout).not.toContain("through-hub");
  });

  it("streams a watch: an object created after it started arrives", async () => {
    await cluster.kubectl(["create", "configmap", "before", "-n", appNs]);
    const watch = spawn("kubectl", [
      "--kubeconfig",
      kube.alice ?? "",
      "get",
      "configmaps",
      "-n",
      appNs,
      "--watch",
      "-o",
      "name",
    ]);
    let output = "";
    watch.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(() => output.includes("configmap/before"), {
        description: "the watch's first list",
      });
      await cluster.kubectl(["create", "configmap", "after", "-n", appNs]);
      await eventually(() => output.includes("configmap/after"), {
        description: "the watch event",
      });
    } finally {
      watch.kill();
    }
  });

  it("sends every group of the roles: a resource only group B may read is reachable", async () => {
    await cluster.kubectl([
      "create",
      "secret",
      "generic",
      "only-b",
      "-n",
      appNs,
      "--from-literal=k=v",
    ]);
    const got = await as("bob", "get", "secret", "only-b", "-n", appNs, "-o", "name");
    expect(got.stderr).toBe("");
    expect(got.stdout.trim()).toBe("secret/only-b");
    const narrowed = await as(
      "bob",
      "get",
      "secret",
      "only-b",
      "-n",
      appNs,
      "--as",
      "bob",
      "--as-group",
      "group-a",
    );
    expect(narrowed.stderr).toMatch(/Forbidden.*cannot get resource "secrets"/);
  });

  it("refuses --as outside the role with the reason", async () => {
    const result = await as("alice", "get", "pods", "-n", appNs, "--as", "admin");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      'Error from server (Forbidden): Warren denied the request: user "alice" may not act as Kubernetes user "admin"',
    );
    const group = await as(
      "alice",
      "get",
      "pods",
      "-n",
      appNs,
      "--as",
      "alice",
      "--as-group",
      "system:masters",
    );
    expect(group.stderr).toContain('may not act in Kubernetes group(s) "system:masters"');
  });

  it("refuses forged impersonation headers", async () => {
    const forged = await rawRequest(kube.alice ?? "", `/api/v1/namespaces/${appNs}/secrets`, {
      "Impersonate-User": "system:admin",
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain("may not act as Kubernetes user");
    const extra = await rawRequest(kube.alice ?? "", `/api/v1/namespaces/${appNs}/pods`, {
      "Impersonate-Extra-Scopes": "all",
    });
    expect(extra.status).toBe(403);
    expect(extra.body).toContain("Impersonate-Extra-Scopes header is not allowed");
  });

  it("refuses a user whose roles match no cluster, saying why", async () => {
    const result = await as("carol", "get", "pods", "-n", appNs);
    expect(result.stderr).toContain(
      'Warren denied the request: no role of user "carol" ("prod-only") allows cluster "one"',
    );
  });

  it("answers 404 for an unknown cluster and passes API server errors through", async () => {
    const unknown = await rawRequest(kube.alice ?? "", "/api/v1/namespaces", {}, "nowhere");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('there is no cluster \\"nowhere\\"');
    const missing = await as("alice", "get", "configmap", "no-such", "-n", appNs);
    expect(missing.stderr).toContain(
      'Error from server (NotFound): configmaps "no-such" not found',
    );
  });

  it("refuses an expired certificate with 401 and how to get a new one", async () => {
    const path = join(scratch, "short.kubeconfig");
    const signed = await hub.warrenctl(
      "auth",
      "sign",
      "--user",
      "alice",
      "--format",
      "kubernetes",
      "--out",
      path,
      "--ttl",
      "1s",
    );
    expect(signed.code, signed.stderr).toBe(0);
    // A request in flight at the moment of expiry is cut (its session ends then, with
    // "unexpected EOF"); the requests after it are refused with a 401.
    const refused = await eventually(
      async () => {
        const result = await cluster.kubectl(["get", "pods", "-n", appNs], path);
        return result.exitCode !== 0 && !result.stderr.includes("unexpected EOF")
          ? result
          : undefined;
      },
      { description: "the certificate to expire" },
    );
    expect(refused.stderr).toContain("You must be logged in to the server");
    // kubectl prints its own words for a 401; the body carries the reason for other clients.
    const raw = await rawRequest(path, "/api/v1/namespaces", {});
    expect(raw.status).toBe(401);
    expect(raw.body).toContain("your client certificate expired at");
    expect(raw.body).toContain("warrenctl auth sign");
  });

  it("records each request in the audit log", async () => {
    await as("bob", "get", "secret", "only-b", "-n", appNs);
    const listed = await hub.warrenctl("audit", "ls", "--user", "bob", "--format", "json");
    const events = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(events).toContainEqual(
      expect.objectContaining({
        user: "bob",
        cluster: "one",
        kubernetesUser: "bob",
        kubernetesGroups: ["group-a", "group-b"],
        verb: "get",
        resource: "secrets",
        namespace: appNs,
        name: "only-b",
        status: 200,
      }),
    );
  });
});

describe("an offline cluster", () => {
  it("answers 503 naming the cluster", async () => {
    const stateDir = join(scratch, "offline-agent");
    const token = await warren.token(hub, "offline", "--labels", "env=dev");
    const agent = warren.dirAgent({ hubAddr: hub.addr, clusterName: "offline", stateDir, token });
    await agent.logs.waitForMessage("agent ready");
    await agent.stop();
    const result = await rawRequest(kube.alice ?? "", "/api/v1/namespaces", {}, "offline");
    expect(result.status).toBe(503);
    expect(result.body).toContain('cluster \\"offline\\" is offline');
  });
});

/** A request with the user's certificate and chosen headers, as a tool other than kubectl might. */
const rawRequest = (
  kubeconfigPath: string,
  path: string,
  headers: Record<string, string>,
  clusterName = "one",
) => rawKubeRequest(`${hub.kubeUrl}/k8s/${clusterName}${path}`, kubeconfigPath, headers);
