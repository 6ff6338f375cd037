// Routing by TLS server name: every kubectl path reaches the cluster, raw ones included, and
// kubeconfigs from several hubs merge without clashing.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { runCommand, TestCluster } from "../k8s/index.js";
import {
  applyRole,
  bindClusterAdmin,
  groupRole,
  rawKubeRequest,
  readyProxyAgent,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let alice: string;
const warren = new WarrenFixtures();
const KUBE_NAME = "kube.warren.internal";

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "kube-routing-"));
  hub = await warren.hub();
  await readyProxyAgent(warren, cluster, hub, "one", { env: "dev" });
  await applyRole(hub, scratch, "devs", groupRole("devs", "routing-devs", "dev"));
  // /readyz and the issuer's keys need no grant; listing namespaces does.
  await bindClusterAdmin(cluster, "routing-devs");
  alice = await userKubeconfig(hub, scratch, "alice", "devs");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

const asAlice = (...args: string[]) => cluster.kubectl(args, alice);

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, string> }[];
  users: { name: string }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  "current-context": string;
}

describe("routing kubectl by TLS server name", () => {
  it("names every entry <hub>-<cluster> and routes it by tls-server-name", async () => {
    const config = parse(await readFile(alice, "utf8")) as Kubeconfig;
    expect(config.clusters).toEqual([
      {
        name: "warren-one",
        cluster: expect.objectContaining({
          server: `${hub.kubeUrl}/k8s/one`,
          "tls-server-name": `one.${KUBE_NAME}`,
        }) as unknown,
      },
    ]);
    expect(config.users.map((u) => u.name)).toEqual(["warren-one"]);
    expect(config.contexts).toEqual([
      { name: "warren-one", context: { cluster: "warren-one", user: "warren-one" } },
    ]);
    expect(config["current-context"]).toBe("warren-one");
  });

  it("serves raw absolute paths as the API server does: /readyz, /livez, the issuer's keys", async () => {
    for (const path of ["/readyz", "/livez?verbose", "/version", "/openid/v1/jwks"]) {
      const direct = await cluster.kubectl(["get", "--raw", path]);
      const through = await asAlice("get", "--raw", path);
      expect({ path, ...through }).toEqual({ path, ...direct });
    }
  });

  it("keeps the /k8s/<cluster> path for kubeconfigs without a server name", async () => {
    const old = await rawKubeRequest(`${hub.kubeUrl}/k8s/one/api`, alice, {});
    expect(old.status).toBe(200);
    expect(old.body).toContain('"kind":"APIVersions"');
    const mismatch = await rawKubeRequest(
      `${hub.kubeUrl}/k8s/two/api`,
      alice,
      {},
      `one.${KUBE_NAME}`,
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain('names cluster \\"one\\" but the path names \\"two\\"');
  });

  it("reaches a cluster joined after the kubeconfig was signed, and one named with dots", async () => {
    await readyProxyAgent(warren, cluster, hub, "prod.eu", { env: "dev" });
    // The certificate is the user's at this hub, not bound to clusters: a new entry will do.
    const reached = await asAlice(
      "--server",
      `${hub.kubeUrl}/k8s/prod.eu`,
      "--tls-server-name",
      `prod.eu.${KUBE_NAME}`,
      "get",
      "--raw",
      "/readyz",
    );
    expect(reached).toMatchObject({ exitCode: 0, stdout: "ok", stderr: "" });
    const resigned = await userKubeconfig(hub, scratch, "alice2", "devs");
    const names = (parse(await readFile(resigned, "utf8")) as Kubeconfig).contexts.map(
      (c) => c.name,
    );
    expect(names).toEqual(["warren-one", "warren-prod.eu"]);
    const listed = await cluster.kubectl(
      ["--context", "warren-prod.eu", "get", "ns", "default", "-o", "name"],
      resigned,
    );
    expect(listed).toMatchObject({ exitCode: 0, stdout: "namespace/default\n" });
  });

  it("merges kubeconfigs of two hubs with a cluster of the same name, each reaching its own", async () => {
    const other = await warren.hub({ args: ["--hub-name", "eu"] });
    await readyProxyAgent(warren, cluster, other, "one", { env: "dev" });
    await applyRole(other, scratch, "devs-eu", groupRole("devs", "routing-devs", "dev"));
    const otherDir = await mkdtemp(join(scratch, "eu-"));
    const theirs = await userKubeconfig(other, otherDir, "alice", "devs");
    const env = {
      ...process.env,
      KUBECONFIG: `${alice}:${theirs}`,
      KUBECACHEDIR: cluster.kubectlCacheDir,
    };
    const contexts = await runCommand("kubectl", ["config", "get-contexts", "-o", "name"], { env });
    expect(contexts.stdout.split("\n").filter(Boolean).sort()).toEqual(["eu-one", "warren-one"]);
    for (const context of ["eu-one", "warren-one"]) {
      const whoami = await runCommand(
        "kubectl",
        ["--context", context, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"],
        { env },
      );
      expect({ context, ...whoami }).toMatchObject({ context, exitCode: 0, stdout: "alice" });
    }
  });
});
