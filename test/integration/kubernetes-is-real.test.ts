// Proof that the test Kubernetes is the real thing: RBAC denies and allows, impersonation is
// checked, and several impersonated groups all count. Everything goes through real kubectl.
import { beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { eventually } from "../support/eventually.js";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
});

/** Waits until RBAC's cache lets `kubeconfig` do `verb resource`, as seen by the API server. */
async function waitUntilAllowed(kubeconfig: string, args: readonly string[]): Promise<void> {
  await eventually(
    async () =>
      (await cluster.kubectl(["auth", "can-i", ...args], kubeconfig)).stdout.trim() === "yes",
    { description: `kubectl auth can-i ${args.join(" ")} to say yes` },
  );
}

async function createRole(namespace: string, name: string, verbs: string[], resources: string[]) {
  await cluster.rbac.createNamespacedRole({
    namespace,
    body: { metadata: { name }, rules: [{ apiGroups: [""], resources, verbs }] },
  });
}

async function bindRole(
  namespace: string,
  role: string,
  subject: { kind: "ServiceAccount" | "Group"; name: string },
) {
  await cluster.rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: `${role}-${subject.name.replace(/[^a-z0-9-]/g, "")}` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
      subjects: [
        subject.kind === "ServiceAccount"
          ? { kind: "ServiceAccount", name: subject.name, namespace }
          : { kind: "Group", name: subject.name, apiGroup: "rbac.authorization.k8s.io" },
      ],
    },
  });
}

async function allowImpersonation(namespace: string, serviceAccount: string, resources: string[]) {
  const name = cluster.uniqueName("impersonator");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name },
      rules: [{ apiGroups: [""], resources, verbs: ["impersonate"] }],
    },
  });
  await cluster.rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace }],
    },
  });
}

describe("the local Kubernetes", () => {
  it("answers kubectl as admin with the default namespaces", async () => {
    const result = await cluster.kubectl(["get", "namespaces", "-o", "name"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split("\n")).toEqual(
      expect.arrayContaining([
        "namespace/default",
        "namespace/kube-system",
        "namespace/kube-public",
      ]),
    );
  });

  it("refuses secrets to a ServiceAccount without RBAC, and allows them after a RoleBinding", async () => {
    const namespace = await cluster.createNamespace("rbac");
    await cluster.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: "db-password" }, stringData: { password: "s3cret" } },
    });
    const kubeconfig = await cluster.serviceAccountKubeconfig(namespace, "reader");

    const denied = await cluster.kubectl(["get", "secrets"], kubeconfig);
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr).toContain(
      `User "system:serviceaccount:${namespace}:reader" cannot list resource "secrets"`,
    );
    expect(denied.stderr).toContain("Forbidden");

    await createRole(namespace, "secret-reader", ["get", "list"], ["secrets"]);
    await bindRole(namespace, "secret-reader", { kind: "ServiceAccount", name: "reader" });
    await waitUntilAllowed(kubeconfig, ["list", "secrets"]);

    const allowed = await cluster.kubectl(["get", "secrets", "-o", "name"], kubeconfig);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(allowed.stdout.trim()).toBe("secret/db-password");
  });

  it("refuses --as without the impersonate verb and honours it with the verb", async () => {
    const namespace = await cluster.createNamespace("impersonate");
    const plain = await cluster.serviceAccountKubeconfig(namespace, "plain");
    const impersonator = await cluster.serviceAccountKubeconfig(namespace, "impersonator");
    await allowImpersonation(namespace, "impersonator", ["users"]);

    const refused = await cluster.kubectl(["get", "pods", "--as=alice"], plain);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(
      `User "system:serviceaccount:${namespace}:plain" cannot impersonate resource "users"`,
    );

    await waitUntilAllowed(impersonator, ["impersonate", "users/alice"]);
    const honoured = await cluster.kubectl(
      ["auth", "whoami", "--as=alice", "-o", "json"],
      impersonator,
    );
    expect(honoured.exitCode, honoured.stderr).toBe(0);
    const review = JSON.parse(honoured.stdout) as { status: { userInfo: { username: string } } };
    expect(review.status.userInfo.username).toBe("alice");
  });

  it("honours two --as-group flags: RBAC grants what either group may do", async () => {
    const namespace = await cluster.createNamespace("groups");
    const impersonator = await cluster.serviceAccountKubeconfig(namespace, "impersonator");
    await allowImpersonation(namespace, "impersonator", ["users", "groups"]);
    await createRole(namespace, "configmap-reader", ["list"], ["configmaps"]);
    await createRole(namespace, "secret-reader", ["list"], ["secrets"]);
    await bindRole(namespace, "configmap-reader", { kind: "Group", name: "team-a" });
    await bindRole(namespace, "secret-reader", { kind: "Group", name: "team-b" });

    const asBob = ["--as=bob", "--as-group=team-a", "--as-group=team-b"];
    await waitUntilAllowed(impersonator, ["list", "secrets", ...asBob]);
    await waitUntilAllowed(impersonator, ["list", "configmaps", ...asBob]);

    const whoami = await cluster.kubectl(["auth", "whoami", ...asBob, "-o", "json"], impersonator);
    const review = JSON.parse(whoami.stdout) as { status: { userInfo: { groups: string[] } } };
    expect(review.status.userInfo.groups).toEqual(expect.arrayContaining(["team-a", "team-b"]));

    const configmaps = await cluster.kubectl(["get", "configmaps", ...asBob], impersonator);
    expect(configmaps.exitCode, configmaps.stderr).toBe(0);
    const secrets = await cluster.kubectl(["get", "secrets", ...asBob], impersonator);
    expect(secrets.exitCode, secrets.stderr).toBe(0);

    // Each group alone gets only its own grant, so both headers really were counted.
    const onlyA = await cluster.kubectl(
      ["get", "secrets", "--as=bob", "--as-group=team-a"],
      impersonator,
    );
    expect(onlyA.exitCode).not.toBe(0);
    expect(onlyA.stderr).toContain(`User "bob" cannot list resource "secrets"`);
  });

  it("issues ServiceAccount tokens through the TokenRequest API", async () => {
    const namespace = await cluster.createNamespace("tokens");
    await cluster.createServiceAccount(namespace, "agent");
    const token = await cluster.mintServiceAccountToken(namespace, "agent", 600);
    const kubeconfig = await cluster.writeTokenKubeconfig(token, "agent", namespace);
    const whoami = await cluster.kubectl(
      ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"],
      kubeconfig,
    );
    expect(whoami.exitCode, whoami.stderr).toBe(0);
    expect(whoami.stdout).toBe(`system:serviceaccount:${namespace}:agent`);
  });
});
