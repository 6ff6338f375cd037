// The hub's CA rotates in phases while agents stay connected: they learn each phase over their
// tunnels, renew, and keep the new CA in their -state Secrets, with no restart and no reset.
// Kubeconfigs signed before the rotation work until standby and then say how to refresh.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { kubectl } from "../k8s/kubectl.js";
import { readStateSecret } from "../support/agent-in-cluster.js";
import { backgroundKubectl, type BackgroundKubectl } from "../support/background-kubectl.js";
import { kubeContext, rotateTo, rotationOf, stateCaPins } from "../support/ca-rotation.js";
import { proxyAgentNamespace, readerRole, userKubeconfig } from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import type { WarrenProcess } from "../support/warren-process.js";

const CLUSTERS = ["rot-a", "rot-b", "rot-c"];
let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
let before: string;
let watch: BackgroundKubectl;
const agents = new Map<string, { process: WarrenProcess; namespace: string }>();
const warren = new WarrenFixtures();

const rotate = (phase: string) => rotateTo(hub, phase);
const statePins = (name: string) => stateCaPins(cluster, agents.get(name)?.namespace ?? "");

async function kubectlWorks(kubeconfig: string, clusterName: string): Promise<void> {
  const context = await kubeContext(kubeconfig, clusterName);
  const got = await cluster.kubectl(
    ["--context", context, "get", "configmap", "seen", "-n", appNs, "-o", "name"],
    kubeconfig,
  );
  expect(got.stderr).toBe("");
  expect(got.stdout.trim()).toBe("configmap/seen");
}

/** The open watch prints an event made now: the tunnel and the agent behind it never broke. */
async function watchStillFlows(name: string): Promise<void> {
  await cluster.kubectl(["create", "configmap", name, "-n", appNs]);
  await watch.stdout.waitFor((e) => (e.msg ?? "").startsWith(`${name} `), `the event ${name}`);
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "ca-rotation-"));
  hub = await warren.hub();
  appNs = await cluster.createNamespace("rotation-app");
  await readerRole(hub, scratch, cluster, {
    role: "reader",
    group: "rotation-readers",
    namespace: appNs,
    resources: ["configmaps"],
  });
  await cluster.kubectl(["create", "configmap", "seen", "-n", appNs]);
  await Promise.all(
    CLUSTERS.map(async (name) => {
      const where = await proxyAgentNamespace(cluster, name);
      const process = warren.agent({
        hubAddr: hub.addr,
        clusterName: name,
        podName: "a-0",
        where,
        token: await warren.token(hub, name),
      });
      agents.set(name, { process, namespace: where.namespace });
      await process.logs.waitForMessage("agent ready");
    }),
  );
  before = await userKubeconfig(hub, scratch, "early", "reader");
  const context = await kubeContext(before, "rot-a");
  watch = backgroundKubectl(cluster, before, [
    "--context",
    context,
    "get",
    "cm",
    "-n",
    appNs,
    "-w",
  ]);
  await watch.stdout.waitFor((e) => (e.msg ?? "").startsWith("seen "), "the watch's list");
}, 120_000);

afterAll(async () => {
  await watch.stop();
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

describe("a phased CA rotation with three agents connected", () => {
  it("walks init, update_clients, update_servers and standby with no agent restarted", async () => {
    const oldPin = hub.caPin;
    const ids = new Map<string, string>();
    for (const name of CLUSTERS) {
      const state = await readStateSecret(cluster, agents.get(name)?.namespace ?? "", "a-0");
      ids.set(name, state?.data["agent-id"] ?? "");
    }

    const init = await rotate("init");
    const newPin = init.newCaPin ?? "";
    expect(newPin).toMatch(/^sha256:/);
    expect(init.activeCaPin).toBe(oldPin);
    for (const name of CLUSTERS) expect(await statePins(name)).toEqual([oldPin, newPin]);
    await kubectlWorks(before, "rot-b");
    await watchStillFlows("after-init");

    await rotate("update_clients");
    for (const { process } of agents.values()) {
      await process.logs.waitForMessage(
        "renewed the agent certificate from the CA that signs agents now",
      );
    }
    // Signed now: its certificate is from the new CA, and it trusts both.
    const during = await userKubeconfig(hub, scratch, "during", "reader");
    await kubectlWorks(during, "rot-c");
    await kubectlWorks(before, "rot-c");

    await rotate("update_servers");
    // The hub serves from the new CA; a kubeconfig that trusts only the old one still works.
    await kubectlWorks(before, "rot-a");
    await kubectlWorks(during, "rot-a");
    await watchStillFlows("after-update-servers");

    const done = await rotate("standby");
    // The watch's certificate is from the CA standby dropped: it ends, saying so.
    await watch.exited;
    expect(watch.stdout.text()).toContain(
      "your client certificate is from a CA that a rotation of the hub's CA dropped",
    );
    expect(done.activeCaPin).toBe(newPin);
    expect(done.newCaPin).toBeUndefined();
    for (const name of CLUSTERS) {
      expect(await statePins(name)).toEqual([newPin]);
      const state = await readStateSecret(cluster, agents.get(name)?.namespace ?? "", "a-0");
      expect(state?.data["agent-id"]).toBe(ids.get(name));
    }
    await kubectlWorks(during, "rot-b");
    const refused = await cluster.kubectl(
      ["--context", await kubeContext(before, "rot-b"), "get", "cm", "-n", appNs],
      before,
    );
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(
      /your client certificate is from a CA that a rotation of the hub's CA dropped \(sha256:[0-9a-f]{64}\): get a new kubeconfig with warrenctl auth sign --user early --format kubernetes, and use the kubeconfig it gives/,
    );
    // With no discovery cache kubectl shows no Status for a 401, only the hub's Warning.
    const cold = await kubectl(["--context", await kubeContext(before, "rot-b"), "get", "cm"], {
      kubeconfig: before,
      cacheDir: join(scratch, "cold-cache"),
    });
    expect(cold.stderr).toContain(
      "Warning: your client certificate is from a CA that a rotation of the hub's CA dropped",
    );
    for (const { process } of agents.values()) {
      const said = (msg: string) => process.logs.entries.filter((e) => e.msg === msg).length;
      expect([said("agent starting"), said("agent ready"), said("re-joined the hub")]).toEqual([
        1, 1, 0,
      ]);
    }
  });

  it("refuses steps out of order, with the phase and the next step", async () => {
    const wrong = await hub.warrenctl("auth", "rotate", "--phase", "update_servers");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain(
      "the CA rotation is in phase standby; from there the next phase is init, not update_servers",
    );
    const unknown = await hub.warrenctl("auth", "rotate", "--phase", "sideways");
    expect(unknown.stderr).toContain('"sideways" is not a rotation phase');
    const noGrace = await hub.warrenctl("auth", "rotate", "--auto");
    expect(noGrace.stderr).toContain("--auto needs --grace");
    const shortGrace = await hub.warrenctl("auth", "rotate", "--auto", "--grace", "10s");
    expect(shortGrace.stderr).toContain("--grace must be at least 1m");
    expect((await rotationOf(hub)).phase).toBe("standby");
  });
});
