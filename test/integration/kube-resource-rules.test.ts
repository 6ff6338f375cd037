// kubernetes_resources against the real API server: what a rule allows passes, what it does
// not gets Warren's 403 naming the rules, deny rules win, and lists and watches show only the
// objects the rules allow. The cluster's RBAC still has the last word.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { backgroundKubectl } from "../support/background-kubectl.js";
import { eventually } from "../support/eventually.js";
import {
  applyRole,
  bindClusterAdmin,
  readyProxyAgent,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let alice: string;
let bob: string;
const ns = { dev: "", teamA: "", teamC: "", prod: "" };
const warren = new WarrenFixtures();

const rules = (group: string) => `kind: role
metadata: { name: rr-${group} }
spec:
  allow:
    kubernetes_labels: { env: dev }
    kubernetes_groups: [${group}]
    kubernetes_resources:
      - { kind: configmaps, api_group: "", namespace: "rr-dev-*", name: "*", verbs: [get, list, watch, create] }
      - { kind: configmaps, api_group: "", namespace: "^rr-team-(a|b)-[0-9a-f]+$", name: "*", verbs: ["*"] }
      - { kind: pods, api_group: "", namespace: "rr-dev-*", name: "*", verbs: [get, list, exec] }
  deny:
    kubernetes_resources:
      - { kind: configmaps, api_group: "", namespace: "rr-dev-*", name: "secret-*", verbs: ["*"] }
`;

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "resource-rules-"));
  hub = await warren.hub();
  await readyProxyAgent(warren, cluster, hub, "one", { env: "dev" });
  ns.dev = await cluster.createNamespace("rr-dev");
  ns.teamA = await cluster.createNamespace("rr-team-a");
  ns.teamC = await cluster.createNamespace("rr-team-c");
  ns.prod = await cluster.createNamespace("rr-prod");
  for (const [namespace, name] of [
    [ns.dev, "cm-1"],
    [ns.dev, "secret-x"],
    [ns.teamA, "cm-a"],
    [ns.teamC, "cm-c"],
    [ns.prod, "cm-p"],
  ] as const) {
    await cluster.kubectl(["create", "configmap", name, "-n", namespace]);
  }
  // The cluster lets rr-people do anything, so Warren's rules are what limits them.
  await bindClusterAdmin(cluster, "rr-people");
  await applyRole(hub, scratch, "people", rules("rr-people"));
  await applyRole(hub, scratch, "nobody", rules("rr-nobody"));
  alice = await userKubeconfig(hub, scratch, "alice", "rr-rr-people");
  bob = await userKubeconfig(hub, scratch, "bob", "rr-rr-nobody");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

const asAlice = (...args: string[]) => cluster.kubectl(args, alice);

describe("kubernetes_resources", () => {
  it("allows what a rule names, by glob and by regex, with its verbs", async () => {
    const got = await asAlice("get", "configmap", "cm-1", "-n", ns.dev, "-o", "name");
    expect(got).toMatchObject({ exitCode: 0, stdout: "configmap/cm-1\n" });
    const created = await asAlice("create", "configmap", "made", "-n", ns.teamA);
    expect(created.stderr).toBe("");
    const deleted = await asAlice("delete", "configmap", "cm-a", "-n", ns.teamA);
    expect(deleted.stdout).toContain('configmap "cm-a" deleted');
  });

  it("refuses what no rule names with Warren's 403, naming the rules", async () => {
    const prod = await asAlice("get", "configmap", "cm-p", "-n", ns.prod);
    expect(prod.exitCode).not.toBe(0);
    expect(prod.stderr).toContain(
      `Warren denied the request: no kubernetes_resources rule of roles "rr-rr-people" allows get configmaps "cm-p" in namespace "${ns.prod}"`,
    );
    expect(prod.stderr).toContain("configmaps in rr-dev-* [get, list, watch, create]");
    const verb = await asAlice("delete", "configmap", "cm-1", "-n", ns.dev);
    expect(verb.stderr).toContain('allows delete configmaps "cm-1"');
    const regex = await asAlice("get", "configmap", "cm-c", "-n", ns.teamC);
    expect(regex.stderr).toContain("Warren denied the request");
  });

  it("lets a deny rule win over an allow, judging a create by the name in its body", async () => {
    const denied = await asAlice("get", "configmap", "secret-x", "-n", ns.dev);
    expect(denied.stderr).toContain(
      `Warren denied the request: a deny rule (configmaps named secret-* in rr-dev-* [*]) covers get configmaps "secret-x"`,
    );
    // A create's name is in its body: the hub reads it there and judges by it.
    const fine = await asAlice("create", "configmap", "fine", "-n", ns.dev);
    expect(fine.stderr).toBe("");
    const secret = await asAlice("create", "configmap", "secret-y", "-n", ns.dev);
    expect(secret.stderr).toContain(
      'a deny rule (configmaps named secret-* in rr-dev-* [*]) covers create configmaps "secret-y"',
    );
    const generated = await cluster.kubectl(["create", "-f", "-", "-o", "name"], alice, {
      input: `apiVersion: v1\nkind: ConfigMap\nmetadata: { generateName: gen-, namespace: ${ns.dev} }\n`,
    });
    expect(generated.stderr).toContain("a deny rule (configmaps named secret-* in rr-dev-* [*])");
  });

  it("lists across namespaces only what the rules allow, as JSON and as kubectl's table", async () => {
    const json = await asAlice("get", "configmaps", "-A", "-o", "json");
    expect(json.stderr).toBe("");
    const items = (
      JSON.parse(json.stdout) as { items: { metadata: { namespace: string; name: string } }[] }
    ).items;
    const ours = items
      .map((i) => `${i.metadata.namespace}/${i.metadata.name}`)
      .filter((n) => Object.values(ns).some((namespace) => n.startsWith(`${namespace}/`)));
    expect(ours.sort()).toEqual([`${ns.dev}/cm-1`, `${ns.dev}/fine`, `${ns.teamA}/made`].sort());
    expect(items.every((i) => /^rr-dev-|^rr-team-[ab]-/.test(i.metadata.namespace))).toBe(true);
    const table = await asAlice("get", "configmaps", "-A");
    expect(table.stdout).toMatch(/^NAMESPACE\s+NAME\s+DATA\s+AGE$/m);
    expect(table.stdout).toContain("cm-1");
    expect(table.stdout).not.toContain("cm-p");
    expect(table.stdout).not.toContain("secret-x");
  });

  it("watches across namespaces showing only allowed objects", async () => {
    const watch = spawn(
      "kubectl",
      ["--kubeconfig", alice, "get", "configmaps", "-A", "--watch", "-o", "name"],
      {
        env: { ...process.env, KUBECACHEDIR: cluster.kubectlCacheDir },
      },
    );
    let output = "";
    watch.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(() => output.includes("configmap/cm-1"), {
        description: "the watch's first list",
      });
      // Events arrive in order: had the first been let through, it would show before the second.
      await cluster.kubectl(["create", "configmap", "late-prod", "-n", ns.prod]);
      await cluster.kubectl(["create", "configmap", "late-dev", "-n", ns.dev]);
      await eventually(() => output.includes("configmap/late-dev"), {
        description: "the allowed event",
      });
      expect(output).not.toContain("late-prod");
      expect(output).not.toContain("cm-p");
    } finally {
      watch.kill();
    }
  });

  it("takes exec as a verb of pods: allowed where a rule says exec, port-forward refused", async () => {
    await cluster.runPod(ns.dev, "shell");
    const exec = await asAlice("exec", "-n", ns.dev, "shell", "--", "echo", "hi");
    expect(exec).toMatchObject({ exitCode: 0, stdout: "hi\n" });
    const forward = await asAlice("port-forward", "-n", ns.dev, "pod/shell", ":80");
    expect(forward.stderr).toContain('allows portforward pods "shell"');
  });

  it("makes a running filtered watch follow a role change, and ends one a change would filter", async () => {
    const wide = (name: string, rules: string) =>
      `kind: role\nmetadata: { name: ${name} }\nspec:\n  allow:\n    kubernetes_labels: { env: dev }\n    kubernetes_groups: [rr-people]\n${rules}`;
    const both = `    kubernetes_resources:
      - { kind: configmaps, api_group: "", namespace: "rr-dev-*", verbs: [list, watch] }
      - { kind: configmaps, api_group: "", namespace: "rr-team-*", verbs: [list, watch] }\n`;
    await applyRole(hub, scratch, "carol", wide("rr-carol", both));
    await applyRole(hub, scratch, "dave", wide("rr-dave", ""));
    const carol = await userKubeconfig(hub, scratch, "carol", "rr-carol");
    const dave = await userKubeconfig(hub, scratch, "dave", "rr-dave");
    const watchOf = (kubeconfig: string, ...output: string[]) =>
      backgroundKubectl(cluster, kubeconfig, ["get", "configmaps", "-A", "--watch", ...output]);
    const filtered = watchOf(carol, "-o", "name");
    // The table shows the ERROR event's Status as a row, as kubectl does for any ended watch.
    const unfiltered = watchOf(dave);
    try {
      await filtered.stdout.waitFor((e) => e.msg === "configmap/cm-1", "carol's list");
      await unfiltered.stdout.waitFor((e) => (e.msg ?? "").includes(" cm-1 "), "dave's list");
      // A role replace returns once open sessions were checked against the new rules.
      const devOnly = both.split("\n").slice(0, 2).join("\n") + "\n";
      await applyRole(hub, scratch, "carol", wide("rr-carol", devOnly));
      await applyRole(hub, scratch, "dave", wide("rr-dave", both));
      await cluster.kubectl(["create", "configmap", "after-change-team", "-n", ns.teamA]);
      await cluster.kubectl(["create", "configmap", "after-change-dev", "-n", ns.dev]);
      await filtered.stdout.waitFor(
        (e) => e.msg === "configmap/after-change-dev",
        "the allowed event",
      );
      expect(filtered.stdout.text()).not.toContain("after-change-team");
      await unfiltered.exited;
      expect(unfiltered.stdout.text()).toMatch(
        /Failure +Forbidden +.*objects kubernetes_resources now hide/,
      );
    } finally {
      await filtered.stop();
      await unfiltered.stop();
    }
  });

  it("leaves the last word to the cluster's RBAC", async () => {
    const refused = await cluster.kubectl(["get", "configmap", "cm-1", "-n", ns.dev], bob);
    expect(refused.stderr).toContain(`User "bob" cannot get resource "configmaps"`);
  });
});
