// exec, attach, port-forward and logs -f through the hub: real kubectl, the real API server
// and a real (test) kubelet behind it, over WebSocket (kubectl's default) and SPDY.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { roundTrip, startEchoServer } from "../support/tcp-echo.js";
import { TestCluster } from "../k8s/index.js";
import { backgroundKubectl } from "../support/background-kubectl.js";
import type { LogEntry } from "../support/process-logs.js";
import {
  applyRole,
  bindGroup,
  groupRole,
  proxyAgentNamespace,
  rawKubeRequest,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

const POD = "app-0";
const SPDY = {
  KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false",
  KUBECTL_PORT_FORWARD_WEBSOCKETS: "false",
};

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
let echo: Server;
const warren = new WarrenFixtures();
const kube: Record<string, string> = {};

async function clusterRole(name: string, rules: { resources: string[]; verbs: string[] }[]) {
  await cluster.rbac.createClusterRole({
    body: { metadata: { name }, rules: rules.map((rule) => ({ apiGroups: [""], ...rule })) },
  });
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "kube-streaming-"));
  hub = await warren.hub();
  const where = await proxyAgentNamespace(cluster, "stream-agent");
  const token = await warren.token(hub, "one");
  const agent = warren.agent({
    hubAddr: hub.addr,
    clusterName: "one",
    podName: "a-0",
    where,
    token,
  });
  appNs = await cluster.createNamespace("stream-app");
  const streamer = cluster.uniqueName("streamer");
  const execCreateOnly = cluster.uniqueName("exec-create-only");
  await clusterRole(streamer, [
    { resources: ["pods"], verbs: ["get", "list"] },
    { resources: ["pods/log"], verbs: ["get"] },
    { resources: ["pods/exec", "pods/attach", "pods/portforward"], verbs: ["get", "create"] },
  ]);
  // Written for SPDY (a POST): what kubectl ≥ 1.30, which uses WebSocket (a GET), trips on.
  await clusterRole(execCreateOnly, [
    { resources: ["pods"], verbs: ["get"] },
    { resources: ["pods/exec"], verbs: ["create"] },
  ]);
  await bindGroup(cluster, appNs, "streamers", streamer);
  await bindGroup(cluster, appNs, "exec-creators", execCreateOnly);
  await applyRole(hub, scratch, "streamer", groupRole("streamer", "streamers"));
  await applyRole(hub, scratch, "exec-creator", groupRole("exec-creator", "exec-creators"));
  await Promise.all([cluster.runPod(appNs, POD), agent.logs.waitForMessage("agent ready")]);
  kube.alice = await userKubeconfig(hub, scratch, "alice", "streamer");
  kube.erin = await userKubeconfig(hub, scratch, "erin", "exec-creator");
  echo = await startEchoServer();
}, 120_000);

afterAll(async () => {
  echo.close();
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

const as = (user: string, args: string[], more: Parameters<TestCluster["kubectl"]>[2] = {}) =>
  cluster.kubectl(["-n", appNs, ...args], kube[user], more);

/**
 * The verb of the next audited request by `user` on `resource` after log entry `after` (a
 * relayed connection is audited when it closes): GET opens a WebSocket, POST an SPDY stream.
 */
async function auditedVerb(user: string, resource: string, after: number): Promise<string> {
  const entry = await hub.process.logs.waitFor(
    (e) => e.msg === "kube request" && e.user === user && e.resource === resource,
    `the audit of ${user}'s ${resource}`,
    undefined,
    after,
  );
  return `${String(entry.verb)} ${String(entry.status)}`;
}

describe.each([
  { transport: "WebSocket", env: {}, verb: "get" },
  { transport: "SPDY", env: SPDY, verb: "create" },
])("kubectl exec over $transport through the hub", ({ env, verb }) => {
  it("passes stdin, keeps stdout and stderr apart, and returns the exit code", async () => {
    const mark = hub.process.logs.mark();
    const result = await as(
      "alice",
      ["exec", "-i", POD, "--", "sh", "-c", "cat; echo oops >&2; exit 3"],
      {
        input: "from stdin\n",
        env,
      },
    );
    expect(result.stdout).toBe("from stdin\n");
    expect(result.stderr).toContain("oops");
    expect(result.stderr).toContain("command terminated with exit code 3");
    expect(result.exitCode).toBe(3);
    expect(await auditedVerb("alice", "pods/exec", mark)).toBe(`${verb} 101`);
  });

  it("attaches to the container's main process", async () => {
    const mark = hub.process.logs.mark();
    const result = await as("alice", ["attach", "-i", POD, "-c", "main"], {
      input: "hello\n",
      env,
    });
    expect(result.stdout).toContain("hello\n");
    expect(result.exitCode).toBe(0);
    expect(await auditedVerb("alice", "pods/attach", mark)).toBe(`${verb} 101`);
  });

  it("forwards a local port to the pod's port, both ways", async () => {
    const remotePort = (echo.address() as AddressInfo).port;
    const mark = hub.process.logs.mark();
    const forward = backgroundKubectl(
      cluster,
      kube.alice ?? "",
      ["port-forward", "-n", appNs, `pod/${POD}`, `:${String(remotePort)}`],
      env,
    );
    try {
      const line = await forward.stdout.waitFor(
        (entry) => /Forwarding from 127\.0\.0\.1:\d+/.test(entry.msg ?? ""),
        "the local port",
      );
      const localPort = Number(/127\.0\.0\.1:(\d+)/.exec(line.msg ?? "")?.[1]);
      expect(await roundTrip(localPort, "ping through the tunnel")).toBe("ping through the tunnel");
    } finally {
      await forward.stop();
    }
    expect(await auditedVerb("alice", "pods/portforward", mark)).toBe(`${verb} 101`);
  });
});

describe("kubectl logs through the hub", () => {
  it("follows a container's log: a line written after it started arrives", async () => {
    await cluster.appendContainerLog(appNs, POD, "first line\n");
    const follow = backgroundKubectl(cluster, kube.alice ?? "", ["logs", "-f", "-n", appNs, POD]);
    try {
      await follow.stdout.waitFor((entry) => entry.msg === "first line", "the existing line");
      await cluster.appendContainerLog(appNs, POD, "second line\n");
      await follow.stdout.waitFor((entry) => entry.msg === "second line", "the followed line");
    } finally {
      await follow.stop();
    }
  });
});

describe("exec permissions", () => {
  it("execs with a role written for SPDY (`create` only): kubectl falls back as it does directly", async () => {
    const mark = hub.process.logs.mark();
    const result = await as("erin", ["exec", POD, "--", "echo", "fell back"]);
    expect(result.stdout).toBe("fell back\n");
    // The refused WebSocket (get) first, then the SPDY stream (create).
    const isErinsExec = (e: LogEntry) =>
      e.msg === "kube request" && e.user === "erin" && e.resource === "pods/exec";
    await hub.process.logs.waitFor(
      (e) => isErinsExec(e) && e.verb === "create",
      "the audit of the SPDY exec",
      undefined,
      mark,
    );
    const execs = hub.process.logs.entries
      .slice(mark)
      .filter(isErinsExec)
      .map((e) => `${String(e.verb)} ${String(e.status)}`);
    expect(execs).toEqual(["get 403", "create 101"]);
  });

  it("tells a WebSocket client that does not fall back that `get` is needed", async () => {
    const path = `/api/v1/namespaces/${appNs}/pods/${POD}/exec?command=true&stdout=true`;
    const refused = await rawKubeRequest(`${hub.kubeUrl}/k8s/one${path}`, kube.erin ?? "", {
      Connection: "Upgrade",
      Upgrade: "websocket",
      "Sec-WebSocket-Version": "13",
      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Protocol": "v5.channel.k8s.io",
    });
    expect(refused.status).toBe(403);
    const status = JSON.parse(refused.body) as { reason: string; message: string };
    expect(status.reason).toBe("Forbidden");
    expect(status.message).toContain('cannot get resource "pods/exec"');
    expect(status.message).toContain('RBAC needs the "get" verb on pods/exec as well as "create"');
  });

  it("refuses what no group allows with the API server's own Status", async () => {
    const result = await as("erin", ["attach", "-i", POD, "-c", "main"], { input: "x" });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('cannot create resource "pods/attach"');
  });
});
