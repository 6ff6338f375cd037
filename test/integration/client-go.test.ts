// A client-go program (test/k8s/client-go-probe), asking for protobuf as controllers do, lists,
// watches and execs through the hub exactly as it does straight to the API server.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { runCommand, TestCluster } from "../k8s/index.js";
import {
  applyRole,
  bindClusterAdmin,
  readyProxyAgent,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let scratch: string;
let alice: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "client-go-"));
  const hub = await warren.hub();
  await readyProxyAgent(warren, cluster, hub, "one", { env: "dev" });
  await bindClusterAdmin(cluster, "client-go-admins");
  await applyRole(
    hub,
    scratch,
    "go",
    "kind: role\nmetadata: { name: go }\nspec:\n  allow:\n    kubernetes_labels: { env: dev }\n    kubernetes_groups: [client-go-admins]\n",
  );
  alice = await userKubeconfig(hub, scratch, "alice", "go");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

/**
 * client-go's WebSocket executor logs this when a frame arrives for a stream it has already
 * closed at the end of an exec: a race inside client-go, seen once straight to the API server
 * (a CI run at 0ffe10b), so not something either side of the comparison does wrong.
 */
const CLIENT_GO_STREAM_RACE =
  /^E\d{4} [\d:.]+ +\d+ websocket\.go:\d+\] Unknown stream id \d+, discarding message\n/gm;

async function probe(kubeconfig: string, side: string) {
  const ns = await cluster.createNamespace(`client-go-${side}`);
  await cluster.kubectl(["create", "configmap", "seeded", "-n", ns]);
  await cluster.runPod(ns, "shell");
  const result = await runCommand(inject("k8sBinaries").clientGoProbe, [kubeconfig, ns, "shell"]);
  return { ...result, stderr: result.stderr.replace(CLIENT_GO_STREAM_RACE, "") };
}

describe("a client-go program through the hub", () => {
  it("lists, watches and execs (WebSocket, protobuf) as it does straight to the API server", async () => {
    const direct = await probe(cluster.adminKubeconfigPath, "direct");
    const through = await probe(alice, "hub");
    expect(direct).toEqual({
      exitCode: 0,
      stdout: 'list: seeded\nwatch: ADDED from-client-go\nexec: "via client-go\\ndone\\n"\n',
      stderr: "",
    });
    expect(through).toEqual(direct);
  });
});
