// Access is checked for a session's whole life: watches, exec and logs -f end when their
// user is removed, locked, loses a role, or their certificate expires; long requests are
// audited when they start; a re-added user's old certificates stay dead.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import {
  backgroundExec,
  backgroundKubectl,
  type BackgroundKubectl,
} from "../support/background-kubectl.js";
import {
  applyRole,
  bindGroup,
  groupRole,
  rawKubeRequest,
  readyProxyAgent,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

const POD = "app-0";
let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
const warren = new WarrenFixtures();

const role = (name: string, group: string) => groupRole(name, group, "dev");

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "trust-sessions-"));
  hub = await warren.hub();
  const agent = readyProxyAgent(warren, cluster, hub, "one", { env: "dev" });
  appNs = await cluster.createNamespace("sessions-app");
  const streamer = cluster.uniqueName("session-streamer");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: streamer },
      rules: [
        { apiGroups: [""], resources: ["pods", "configmaps"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods/exec", "pods/attach"], verbs: ["get", "create"] },
      ],
    },
  });
  await bindGroup(cluster, appNs, "session-streamers", streamer);
  await applyRole(hub, scratch, "streamer", role("streamer", "session-streamers"));
  await applyRole(hub, scratch, "other", role("other", "nobody-in-particular"));
  await Promise.all([cluster.runPod(appNs, POD), agent]);
  await cluster.kubectl(["create", "configmap", "seen", "-n", appNs]);
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

/** A watch and an interactive exec of `user`, both shown to be running. */
async function openSessions(kubeconfig: string): Promise<BackgroundKubectl[]> {
  const watch = backgroundKubectl(cluster, kubeconfig, [
    "get",
    "configmaps",
    "-n",
    appNs,
    "--watch",
  ]);
  const exec = backgroundExec(cluster, kubeconfig, appNs, POD);
  await watch.stdout.waitFor((e) => (e.msg ?? "").startsWith("seen "), "the watch's first list");
  // An event the watch prints proves its stream is open, past the list before it.
  const name = cluster.uniqueName("ping");
  await cluster.kubectl(["create", "configmap", name, "-n", appNs]);
  await watch.stdout.waitFor((e) => (e.msg ?? "").startsWith(`${name} `), "the watch's event");
  exec.write("still here\n");
  await exec.stdout.waitFor((e) => e.msg === "still here", "the exec's echo");
  return [watch, exec];
}

/**
 * Both end by themselves, each showing `words`: kubectl prints a watch's ERROR event as a
 * Status row (and exits 0, as it does when the API server ends a watch), and an exec's
 * error-channel Status as its error.
 */
async function endedWith([watch, exec]: BackgroundKubectl[], words: string): Promise<void> {
  const [watchCode, execCode] = await Promise.all([watch?.exited, exec?.exited]);
  expect(watch?.stdout.text()).toMatch(/Failure +(Unauthorized|Forbidden) +/);
  expect(watch?.stdout.text()).toContain(words);
  expect(watchCode).toBe(0);
  expect(exec?.stderr.text()).toMatch(/^error: /m);
  expect(exec?.stderr.text()).toContain(words);
  expect(execCode).not.toBe(0);
}

describe("a user's open sessions", () => {
  it("end, with the reason kubectl prints, when the user is removed", async () => {
    const sessions = await openSessions(await userKubeconfig(hub, scratch, "bob", "streamer"));
    const removed = await hub.warrenctl("users", "rm", "bob");
    expect(removed.code, removed.stderr).toBe(0);
    await endedWith(sessions, "user bob no longer exists on this hub");
    await hub.process.logs.waitForMessage("user deleted", { user: "bob", sessionsEnded: 2 });
  });

  it("end when the user is locked, and the lock refuses new requests until lifted", async () => {
    const kubeconfig = await userKubeconfig(hub, scratch, "carol", "streamer");
    const sessions = await openSessions(kubeconfig);
    const locked = await hub.warrenctl("users", "lock", "carol", "--reason", "laptop stolen");
    expect(locked.stdout).toContain("ended 2 open session(s)");
    await endedWith(sessions, "user carol is locked by local-admin: laptop stolen");
    const refused = await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig);
    expect(refused.stderr).toContain("Error from server (Forbidden): user carol is locked");
    await hub.warrenctl("users", "unlock", "carol");
    expect((await cluster.kubectl(["get", "pods", "-n", appNs], kubeconfig)).exitCode).toBe(0);
  });

  it("end when the user loses the role that admitted them, not when another changes", async () => {
    const kubeconfig = await userKubeconfig(hub, scratch, "dave", "streamer");
    const sessions = await openSessions(kubeconfig);
    await applyRole(hub, scratch, "other", role("other", "still-nobody"));
    const updated = await hub.warrenctl("users", "update", "dave", "--roles", "other");
    expect(updated.code, updated.stderr).toBe(0);
    await endedWith(sessions, "no longer grant what it was admitted as (group session-streamers)");
    // Both sessions were ended by the hub for this change, not by anything else.
    await hub.process.logs.waitForCount(
      (e) => e.msg === "ended a session its user may no longer have" && e.user === "dave",
      2,
      "both sessions' ends",
    );
  });

  it("end when the certificate expires", async () => {
    const kubeconfig = await userKubeconfig(hub, scratch, "erin", "streamer", "--ttl", "10s");
    const sessions = await openSessions(kubeconfig);
    await endedWith(sessions, "your client certificate expired at");
  });

  it("of logs -f end too, the way a log stream can: cut", async () => {
    const kubeconfig = await userKubeconfig(hub, scratch, "frank", "streamer");
    await cluster.appendContainerLog(appNs, POD, "a line\n");
    const follow = backgroundKubectl(cluster, kubeconfig, ["logs", "-f", "-n", appNs, POD]);
    await follow.stdout.waitFor((e) => e.msg === "a line", "the log line");
    await hub.warrenctl("users", "rm", "frank");
    expect(await follow.exited).not.toBe(0);
  });
});

describe("sessions over SPDY", () => {
  it("end too: the connection is cut", async () => {
    const kubeconfig = await userKubeconfig(hub, scratch, "ivan", "streamer");
    const spdy = backgroundKubectl(
      cluster,
      kubeconfig,
      ["exec", "-i", "-n", appNs, POD, "--", "cat"],
      {
        KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false",
      },
    );
    spdy.write("over spdy\n");
    await spdy.stdout.waitFor((e) => e.msg === "over spdy", "the SPDY exec's echo");
    const mark = hub.process.logs.mark();
    await hub.warrenctl("users", "lock", "ivan");
    await spdy.exited;
    await hub.process.logs.waitFor(
      (e) => e.msg === "kube request" && e.user === "ivan" && e.resource === "pods/exec",
      "the SPDY exec's end in the audit log",
      undefined,
      mark,
    );
  });
});

describe("a user removed and added again", () => {
  it("does not get the old kubeconfig back: it answers 401", async () => {
    const old = await userKubeconfig(hub, scratch, "gina", "streamer");
    expect((await cluster.kubectl(["get", "pods", "-n", appNs], old)).exitCode).toBe(0);
    await hub.warrenctl("users", "rm", "gina");
    const fresh = join(scratch, "gina-again");
    await rm(fresh, { recursive: true, force: true });
    const again = await hub.warrenctl("users", "add", "gina", "--roles", "streamer");
    expect(again.code, again.stderr).toBe(0);
    const refused = await rawKubeRequest(`${hub.kubeUrl}/k8s/one/api/v1/namespaces`, old, {});
    expect(refused.status).toBe(401);
    expect(refused.body).toContain("signed for an earlier user named gina");
    const signed = join(scratch, "gina-new.kubeconfig");
    await hub.warrenctl(
      "auth",
      "sign",
      "--user",
      "gina",
      "--format",
      "kubernetes",
      "--out",
      signed,
    );
    expect((await cluster.kubectl(["get", "pods", "-n", appNs], signed)).exitCode).toBe(0);
  });
});

describe("the audit of long requests", () => {
  it("has an exec's start on disk while it runs: a kill -9 loses only its end", async () => {
    const own = await warren.hub();
    await readyProxyAgent(warren, cluster, own, "killed", { env: "dev" });
    await applyRole(own, scratch, "streamer", role("streamer", "session-streamers"));
    const kubeconfig = await userKubeconfig(own, scratch, "hank", "streamer");
    const [watch, exec] = await openSessions(kubeconfig);
    await own.process.kill();
    await Promise.all([watch?.exited, exec?.exited]);
    const restarted = await warren.hub({ dataDir: own.dataDir });
    const listed = await restarted.warrenctl("audit", "ls", "--user", "hank", "--format", "json");
    const events = JSON.parse(listed.stdout) as Record<string, unknown>[];
    for (const resource of ["pods/exec", "configmaps"]) {
      expect(events).toContainEqual(
        expect.objectContaining({
          kind: "kube",
          stage: "ResponseStarted",
          user: "hank",
          cluster: "killed",
          resource,
          kubernetesGroups: ["session-streamers"],
        }),
      );
    }
  });
});
