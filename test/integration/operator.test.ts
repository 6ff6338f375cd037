// warren-operator against the real API server with the charts' CRDs: WarrenRole, WarrenUser,
// WarrenProvisionToken and connectors reach the hub, status.conditions says what happened as
// the reference's troubleshooting describes, and only the leader reconciles.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { eventually } from "../support/eventually.js";
import { Helm } from "../support/helm.js";
import {
  installOperator,
  spawnOperator,
  type OperatorSite,
} from "../support/operator-in-cluster.js";
import { groupsOf, OperatorResources, roleYaml, userYaml } from "../support/operator-resources.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import type { WarrenProcess } from "../support/warren-process.js";

const HUB_NAME = "hub.operator.test";
const RELEASE = "warren-operator";
let cluster: TestCluster;
let helm: Helm;
let hub: TestHub;
let site: OperatorSite;
let crs: OperatorResources;
let leader: WarrenProcess;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  const scratch = await mkdtemp(join(tmpdir(), "operator-"));
  helm = new Helm(inject("k8sBinaries").helm, join(scratch, "helm"), cluster.adminKubeconfigPath);
  hub = await warren.hub({ args: ["--hub-name", HUB_NAME] });
  site = await installOperator(cluster, helm, hub, {
    hubName: HUB_NAME,
    release: RELEASE,
    scratch,
  });
  crs = new OperatorResources(cluster, site.namespace, hub);
  leader = await spawnOperator(site, "operator-a", {
    WARREN_RESYNC_PERIOD: "1s",
    WARREN_LEASE_DURATION: "3s",
  });
  await leader.logs.waitForMessage("joined the hub as an admin");
  await leader.logs.waitForMessage("watching custom resources");
}, 120_000);

afterAll(async () => {
  await leader.stop();
  await helm.run(["uninstall", RELEASE, "-n", site.namespace]);
  await warren.cleanUp();
  await rm(site.scratch, { recursive: true, force: true });
});

describe("the operator's identity", () => {
  it("joins with its ServiceAccount token as an admin of scope resources, and its Role grants no more", async () => {
    const enrolled = await hub.process.logs.waitForMessage("admin enrolled", {
      admin: "warren-operator",
      scope: "resources",
    });
    expect(enrolled.serviceAccount).toBe(`${site.namespace}:${RELEASE}`);
    const canI = async (...args: string[]) =>
      (
        await cluster.kubectl([
          "auth",
          "can-i",
          ...args,
          "-n",
          site.namespace,
          `--as=system:serviceaccount:${site.namespace}:${RELEASE}`,
        ])
      ).stdout.trim();
    expect(await canI("patch", "warrenroles.resources.warren.dev")).toBe("yes");
    expect(await canI("patch", "warrenusers.resources.warren.dev", "--subresource=status")).toBe(
      "yes",
    );
    expect(await canI("delete", "warrenroles.resources.warren.dev")).toBe("no");
    expect(await canI("create", "warrenroles.resources.warren.dev")).toBe("no");
    expect(await canI("get", "secrets")).toBe("no");
    expect(await canI("update", "leases.coordination.k8s.io/someone-else")).toBe("no");
    expect(await canI("update", `leases.coordination.k8s.io/${RELEASE}`)).toBe("yes");
    expect(await canI("list", "warrenroles.resources.warren.dev", "--all-namespaces")).toBe("no");
  });
});

describe("a refused join", () => {
  it("is logged with the hub's reason and the fix", async () => {
    const lost = await spawnOperator(site, "operator-lost", {
      WARREN_PROVISION_TOKEN: "no-such-token",
      // A Lease of its own (so it leads at once), which the chart's Role does not grant.
      WARREN_LEADER_ELECTION_ID: "operator-lost",
      KUBECONFIG: cluster.adminKubeconfigPath,
    });
    try {
      const refused = await lost.logs.waitForMessage("cannot join the hub yet");
      expect(refused.error).toContain(
        'refused the operator\'s join with provision token no-such-token: there is no provision token "no-such-token" on this hub',
      );
    } finally {
      await lost.stop();
    }
  });
});

describe("the CRDs", () => {
  it("explain themselves and refuse specs their schemas rule out", async () => {
    const explained = await cluster.kubectl(["explain", "warrenrole.spec.allow"]);
    expect(explained.stdout).toContain("kubernetes_groups");
    expect(explained.stdout).toContain("kubernetes_labels_expression");
    const noCluster = await crs.apply(
      "apiVersion: resources.warren.dev/v1\nkind: WarrenProvisionToken\nmetadata: { name: bad }\nspec:\n  type: kube\n  join_method: kubernetes\n  kubernetes: { type: in_cluster, allow: [{ service_account: 'a:b' }] }\n",
    );
    expect(noCluster.exitCode).not.toBe(0);
    expect(noCluster.stderr).toContain("a kube provision token names its cluster_name");
    const noRoles = await crs.apply(userYaml("nobody", []));
    expect(noRoles.exitCode).not.toBe(0);
    expect(noRoles.stderr).toContain("spec.roles");
  });
});

describe("WarrenRole", () => {
  it("is created, updated and deleted on the hub, with the origin label and conditions", async () => {
    expect((await crs.apply(roleYaml("devs", ["dev-readers"]))).exitCode).toBe(0);
    const reconciled = await crs.condition(
      "warrenrole",
      "devs",
      "SuccessfullyReconciled",
      "True",
      "NoError",
    );
    expect(reconciled.message).toBe("The hub resource matches the spec.");
    expect(await crs.conditionOf("warrenrole", "devs", "WarrenResourceOwned")).toMatchObject({
      status: "True",
    });
    expect(await crs.conditionOf("warrenrole", "devs", "ValidStructure")).toMatchObject({
      status: "True",
      reason: "NoError",
    });
    const created = await crs.hubRole("devs");
    expect(created?.labels).toEqual({ "warren.dev/origin": "kubernetes" });
    expect(groupsOf(created)).toEqual(["dev-readers"]);
    expect((await crs.resource("warrenrole", "devs"))?.metadata).toMatchObject({
      finalizers: ["resources.warren.dev/deletion"],
    });

    await crs.apply(roleYaml("devs", ["dev-writers"]));
    await eventually(async () => groupsOf(await crs.hubRole("devs"))?.[0] === "dev-writers", {
      description: "the hub role to follow the update",
    });

    expect(
      (await cluster.kubectl(["delete", "warrenrole", "devs", "-n", site.namespace])).exitCode,
    ).toBe(0);
    expect(await crs.hubRole("devs")).toBeUndefined();
  });

  it("restores a role edited on the hub to the custom resource's spec", async () => {
    await crs.apply(roleYaml("drift", ["from-git"]));
    await crs.condition("warrenrole", "drift", "SuccessfullyReconciled", "True");
    const edited = join(site.scratch, "drift.yaml");
    await writeFile(
      edited,
      'kind: role\nmetadata:\n  name: drift\n  labels: { warren.dev/origin: kubernetes }\nspec:\n  allow:\n    kubernetes_labels: { env: dev }\n    kubernetes_groups: ["system:masters"]\n',
    );
    expect((await hub.warrenctl("create", "-f", edited)).stdout).toContain("has been updated");
    await eventually(async () => groupsOf(await crs.hubRole("drift"))?.[0] === "from-git", {
      description: "the operator to restore the role",
    });
  });

  it("sets ValidStructure False with the hub's reason for a spec only the hub can judge", async () => {
    await crs.apply(
      `apiVersion: resources.warren.dev/v1\nkind: WarrenRole\nmetadata:\n  name: broken\nspec:\n  allow:\n    kubernetes_labels_expression: 'labels["env" =='\n`,
    );
    const invalid = await crs.condition(
      "warrenrole",
      "broken",
      "ValidStructure",
      "False",
      "InvalidSpec",
    );
    expect(invalid.message).toContain("kubernetes_labels_expression");
    const failed = await crs.conditionOf("warrenrole", "broken", "SuccessfullyReconciled");
    expect(failed).toMatchObject({ status: "False", reason: "HubError" });
    expect(await crs.hubRole("broken")).toBeUndefined();
  });

  it("leaves a hub role without the origin label alone: WarrenResourceOwned False", async () => {
    const file = join(site.scratch, "handmade.yaml");
    await writeFile(
      file,
      'kind: role\nmetadata: { name: handmade }\nspec:\n  allow:\n    kubernetes_labels: { env: prod }\n    kubernetes_groups: ["ops"]\n',
    );
    expect((await hub.warrenctl("create", "-f", file)).code).toBe(0);
    const before = await crs.hubRole("handmade");
    await crs.apply(roleYaml("handmade", ["kubernetes-says"]));
    const owned = await crs.condition(
      "warrenrole",
      "handmade",
      "WarrenResourceOwned",
      "False",
      "OriginLabelNotMatching",
    );
    expect(owned.message).toContain("exists without the warren.dev/origin=kubernetes label");
    expect(await crs.hubRole("handmade")).toEqual(before);
    // Deleting the CR does not delete what the operator never owned.
    await cluster.kubectl(["delete", "warrenrole", "handmade", "-n", site.namespace]);
    expect(await crs.hubRole("handmade")).toEqual(before);
  });

  it("keeps the hub role with warren.dev/keep, and skips a CR with warren.dev/ignore", async () => {
    await crs.apply(roleYaml("kept", ["k"], '  annotations: { warren.dev/keep: "true" }\n'));
    await crs.condition("warrenrole", "kept", "SuccessfullyReconciled", "True");
    await cluster.kubectl(["delete", "warrenrole", "kept", "-n", site.namespace]);
    expect(await crs.hubRole("kept")).toMatchObject({ name: "kept" });

    await crs.apply(roleYaml("ignored", ["i"], '  annotations: { warren.dev/ignore: "true" }\n'));
    await leader.logs.waitForMessage("skipped: annotated warren.dev/ignore", { name: "ignored" });
    expect(await crs.hubRole("ignored")).toBeUndefined();
    expect((await crs.resource("warrenrole", "ignored"))?.status).toBeUndefined();
  });
});

describe("namespaces", () => {
  it("reconciles only the operator's own namespace", async () => {
    const elsewhere = await cluster.createNamespace("not-iac");
    const applied = await cluster.kubectl(["apply", "-n", elsewhere, "-f", "-"], undefined, {
      input: roleYaml("elsewhere", ["x"]),
    });
    expect(applied.exitCode).toBe(0);
    await crs.apply(roleYaml("here", ["y"]));
    await crs.condition("warrenrole", "here", "SuccessfullyReconciled", "True");
    expect(await crs.hubRole("elsewhere")).toBeUndefined();
    const other = await cluster.kubectl([
      "get",
      "warrenrole",
      "elsewhere",
      "-n",
      elsewhere,
      "-o",
      "json",
    ]);
    const untouched = JSON.parse(other.stdout) as {
      status?: unknown;
      metadata: { finalizers?: unknown };
    };
    expect(untouched.status).toBeUndefined();
    expect(untouched.metadata.finalizers).toBeUndefined();
  });
});

describe("WarrenUser", () => {
  it("reports a missing role in the hub's words, then reconciles once the role exists", async () => {
    await crs.apply(userYaml("alice", ["ghost"]));
    const failed = await crs.condition(
      "warrenuser",
      "alice",
      "SuccessfullyReconciled",
      "False",
      "HubError",
    );
    expect(failed.message).toMatch(/^Hub returned the error: no role ghost: create it first/);
    await crs.apply(roleYaml("ghost", ["g"]));
    await crs.condition("warrenuser", "alice", "SuccessfullyReconciled", "True", "NoError");
    expect(await crs.hubUsers()).toContainEqual(
      expect.objectContaining({ name: "alice", roles: ["ghost"], origin: "kubernetes" }),
    );
    await crs.apply(userYaml("alice", ["ghost", "kept"]));
    await eventually(
      async () => (await crs.hubUsers()).find((u) => u.name === "alice")?.roles.length === 2,
      {
        description: "alice's roles to follow the update",
      },
    );
  });

  it("keeps a role CR that is still assigned (finalizer, reason in status) until the finalizer is patched away", async () => {
    await crs.apply(roleYaml("held", ["h"]));
    await crs.apply(userYaml("bob", ["held"]));
    await crs.condition("warrenuser", "bob", "SuccessfullyReconciled", "True");
    expect(
      (
        await cluster.kubectl([
          "delete",
          "warrenrole",
          "held",
          "-n",
          site.namespace,
          "--wait=false",
        ])
      ).exitCode,
    ).toBe(0);
    const refused = await crs.condition(
      "warrenrole",
      "held",
      "SuccessfullyReconciled",
      "False",
      "HubError",
    );
    expect(refused.message).toContain("role held is held by bob");
    expect(await crs.resource("warrenrole", "held")).toBeDefined();
    // The reference's escape hatch: the CR goes, the hub role stays, and nobody deletes it later.
    const patched = await cluster.kubectl([
      "patch",
      "warrenrole",
      "held",
      "-n",
      site.namespace,
      "-p",
      '{"metadata":{"finalizers":null}}',
      "--type=merge",
    ]);
    expect(patched.exitCode).toBe(0);
    await eventually(async () => (await crs.resource("warrenrole", "held")) === undefined, {
      description: "the CR to go",
    });
    expect(await crs.hubRole("held")).toMatchObject({ name: "held" });
  });

  it("deletes the hub user with the CR", async () => {
    await crs.apply(userYaml("carol", ["ghost"]));
    await crs.condition("warrenuser", "carol", "SuccessfullyReconciled", "True");
    await cluster.kubectl(["delete", "warrenuser", "carol", "-n", site.namespace]);
    expect((await crs.hubUsers()).map((u) => u.name)).not.toContain("carol");
  });
});

describe("WarrenProvisionToken and connectors", () => {
  it("reach the hub and leave it with their CRs", async () => {
    await crs.apply(
      `apiVersion: resources.warren.dev/v1\nkind: WarrenProvisionToken\nmetadata: { name: edge-agents }\nspec:\n  type: kube\n  cluster_name: edge\n  join_method: kubernetes\n  kubernetes:\n    type: in_cluster\n    allow: [{ service_account: "warren:warren-agent" }]\n`,
    );
    await crs.condition("warrenprovisiontoken", "edge-agents", "SuccessfullyReconciled", "True");
    const tokens = JSON.parse(
      (await hub.warrenctl("provision-tokens", "ls", "--format", "json")).stdout,
    ) as unknown[];
    expect(tokens).toContainEqual(
      expect.objectContaining({
        name: "edge-agents",
        for: "edge",
        check: "in_cluster",
        labels: { "warren.dev/origin": "kubernetes" },
      }),
    );
    // An update: another account may join.
    await crs.apply(
      `apiVersion: resources.warren.dev/v1\nkind: WarrenProvisionToken\nmetadata: { name: edge-agents }\nspec:\n  type: kube\n  cluster_name: edge\n  join_method: kubernetes\n  kubernetes:\n    type: in_cluster\n    allow: [{ service_account: "warren:warren-agent" }, { service_account: "edge:agent" }]\n`,
    );
    await eventually(
      async () =>
        (await hub.warrenctl("provision-tokens", "ls", "--format", "json")).stdout.includes(
          "edge:agent",
        ),
      { description: "the provision token's update to reach the hub" },
    );
    const secretFile = join(site.scratch, "client-secret");
    await writeFile(secretFile, "s3cret\n");
    await crs.apply(
      `apiVersion: resources.warren.dev/v1\nkind: WarrenOIDCConnector\nmetadata: { name: corp }\nspec:\n  issuer_url: https://login.example.com\n  client_id: warren\n  client_secret_file: ${secretFile}\n  claims_to_roles: [{ claim: groups, value: devs, roles: [ghost] }]\n`,
    );
    await crs.condition("warrenoidcconnector", "corp", "SuccessfullyReconciled", "True");
    await crs.apply(
      `apiVersion: resources.warren.dev/v1\nkind: WarrenOIDCConnector\nmetadata: { name: corp }\nspec:\n  issuer_url: https://login.example.com\n  client_id: warren-2\n  client_secret_file: ${secretFile}\n  claims_to_roles: [{ claim: groups, value: devs, roles: [ghost] }]\n`,
    );
    await eventually(
      async () =>
        (await hub.warrenctl("connectors", "ls", "--format", "json")).stdout.includes('"warren-2"'),
      { description: "the connector's update to reach the hub" },
    );
    const connectors = await hub.warrenctl("connectors", "ls", "--format", "json");
    expect(connectors.stdout).toContain('"name": "corp"');
    expect(connectors.stdout).not.toContain("s3cret");
    await cluster.kubectl(["delete", "warrenprovisiontoken", "edge-agents", "-n", site.namespace]);
    await cluster.kubectl(["delete", "warrenoidcconnector", "corp", "-n", site.namespace]);
    expect(
      (await hub.warrenctl("provision-tokens", "ls", "--format", "json")).stdout,
    ).not.toContain("edge-agents");
    expect((await hub.warrenctl("connectors", "ls", "--format", "json")).stdout).not.toContain(
      '"corp"',
    );
  });
});

describe("leader election", () => {
  it("runs one leader; the other waits, and takes over within the lease time when the leader dies", async () => {
    const standby = await spawnOperator(site, "operator-b", {
      WARREN_RESYNC_PERIOD: "1s",
      WARREN_LEASE_DURATION: "3s",
    });
    try {
      const waiting = await standby.logs.waitForMessage(
        `attempting to acquire leader lease ${site.namespace}/${RELEASE}...`,
      );
      expect(waiting.holder).toBe("operator-a");
      expect(standby.logs.text()).not.toContain("watching custom resources");
      await leader.kill();
      const tookOver = await standby.logs.waitForMessage("became the leader");
      expect(tookOver.identity).toBe("operator-b");
      await crs.apply(roleYaml("after-failover", ["f"]));
      await crs.condition("warrenrole", "after-failover", "SuccessfullyReconciled", "True");
      expect(await crs.hubRole("after-failover")).toBeDefined();
    } finally {
      leader = standby;
    }
  });

  it("hands the lease over on a graceful stop", async () => {
    const next = await spawnOperator(site, "operator-c", {
      WARREN_RESYNC_PERIOD: "1s",
      WARREN_LEASE_DURATION: "3s",
    });
    try {
      await next.logs.waitForMessage(
        `attempting to acquire leader lease ${site.namespace}/${RELEASE}...`,
      );
      await leader.stop();
      expect(leader.logs.text()).toContain("released the leader lease");
      expect((await next.logs.waitForMessage("became the leader")).identity).toBe("operator-c");
    } finally {
      leader = next;
    }
  });
});
