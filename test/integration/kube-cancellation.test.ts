// A client that leaves ends its request at the API server, at whatever point it leaves: the
// hub's one AbortController per request reaches the agent's request to the API server. Each
// test watches the API server's own metrics for the request's end.
import { mkdtemp, rm } from "node:fs/promises";
import type { ClientRequest, IncomingMessage } from "node:http";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { backgroundExec } from "../support/background-kubectl.js";
import { eventually } from "../support/eventually.js";
import {
  applyRole,
  bindGroup,
  groupRole,
  kubeconfigTls,
  proxyAgentNamespace,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import type { WarrenProcess } from "../support/warren-process.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

const POD = "app-0";
/** The API server ends the request as soon as the hub's cancellation reaches it. */
const END_WITHIN_MS = 5000;

let cluster: TestCluster;
let hub: TestHub;
let agent: WarrenProcess;
let scratch: string;
let appNs: string;
let kubeconfig: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "kube-cancellation-"));
  hub = await warren.hub();
  const where = await proxyAgentNamespace(cluster, "cancel-agent");
  agent = warren.agent({
    hubAddr: hub.addr,
    clusterName: "one",
    podName: "a-0",
    where,
    token: await warren.token(hub, "one"),
  });
  appNs = await cluster.createNamespace("cancel-app");
  const role = cluster.uniqueName("leaver");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: role },
      rules: [
        { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "update"] },
        { apiGroups: [""], resources: ["podtemplates"], verbs: ["list", "watch"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"] },
      ],
    },
  });
  await bindGroup(cluster, appNs, "leavers", role);
  await applyRole(hub, scratch, "leaver", groupRole("leaver", "leavers"));
  await cluster.kubectl(["create", "configmap", "held", "-n", appNs]);
  await Promise.all([cluster.runPod(appNs, POD), agent.logs.waitForMessage("agent ready")]);
  kubeconfig = await userKubeconfig(hub, scratch, "lea", "leaver");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

/** The sum of a metric's samples whose labels include all of `labels`, from the API server. */
async function apiServerMetric(name: string, labels: Record<string, string>): Promise<number> {
  const { stdout } = await cluster.kubectl(["get", "--raw", "/metrics"]);
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const line of stdout.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length, line.lastIndexOf("}") + 1);
    if (wanted.every((pair) => labelText.includes(pair)))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

async function untilMetric(
  name: string,
  labels: Record<string, string>,
  expected: number,
  description: string,
  timeoutMs?: number,
): Promise<void> {
  await eventually(async () => (await apiServerMetric(name, labels)) === expected, {
    description,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

/** A request through the hub as the user, left open for the test to cut. */
async function openRequest(
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<ClientRequest> {
  const tls = await kubeconfigTls(kubeconfig);
  const req = request(`${hub.kubeUrl}/k8s/one${path}`, { method, headers, ...tls });
  req.on("error", () => {
    // Cut by the test.
  });
  return req;
}

describe("a client that leaves", () => {
  it("before the agent answered: the API server's request ends (a PUT whose body never came)", async () => {
    const done = { verb: "PUT", resource: "configmaps" };
    const before = await apiServerMetric("apiserver_request_total", done);
    const mark = agent.logs.mark();
    const put = await openRequest("PUT", `/api/v1/namespaces/${appNs}/configmaps/held`, {
      "Content-Type": "application/json",
      "Content-Length": "4096",
    });
    put.write('{"metadata": {"name": "held"');
    await agent.logs.waitForMessage("request sent to the API server", { method: "PUT" }, mark);
    // The API server is reading a body that will never come: it has not counted the request.
    expect(await apiServerMetric("apiserver_request_total", done)).toBe(before);
    put.destroy();
    await agent.logs.waitForMessage("the hub cancelled: request to the API server ended", {}, mark);
    await untilMetric(
      "apiserver_request_total",
      done,
      before + 1,
      "the API server to end the PUT",
      END_WITHIN_MS,
    );
  });

  it("during a quiet watch: the API server's watch ends", async () => {
    const watching = { verb: "WATCH", resource: "podtemplates", scope: "namespace" };
    const before = await apiServerMetric("apiserver_longrunning_requests", watching);
    const watch = await openRequest("GET", `/api/v1/namespaces/${appNs}/podtemplates?watch=true`);
    const answered = new Promise<number>((resolve) => {
      watch.once("response", (res: IncomingMessage) => {
        resolve(res.statusCode ?? 0);
      });
    });
    watch.end();
    expect(await answered).toBe(200);
    await untilMetric("apiserver_longrunning_requests", watching, before + 1, "the watch to open");
    watch.destroy();
    await untilMetric(
      "apiserver_longrunning_requests",
      watching,
      before,
      "the API server to end the watch",
      END_WITHIN_MS,
    );
  });

  it("during an exec: the API server's exec ends", async () => {
    const execing = { resource: "pods", subresource: "exec" };
    const before = await apiServerMetric("apiserver_longrunning_requests", execing);
    const exec = backgroundExec(cluster, kubeconfig, appNs, POD, [
      "sh",
      "-c",
      "echo started; exec sleep 600",
    ]);
    await exec.stdout.waitFor((entry) => entry.msg === "started", "the exec to start");
    await untilMetric("apiserver_longrunning_requests", execing, before + 1, "the exec to count");
    await exec.stop();
    await untilMetric(
      "apiserver_longrunning_requests",
      execing,
      before,
      "the API server to end the exec",
      END_WITHIN_MS,
    );
  });
});
