import { readFile, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { join } from "node:path";

import { runCommand, type CommandResult, type TestCluster } from "../k8s/index.js";
import { backgroundKubectl } from "../support/background-kubectl.js";
import { roundTrip } from "../support/tcp-echo.js";

/** One side of the comparison: straight to the API server, or through the hub. */
export interface CompatSide {
  ns: string;
  dir: string;
  kubeconfig: string;
  /** --as/--as-group that make the direct side the identity the hub impersonates. */
  impersonation: readonly string[];
  kubectl(args: readonly string[], input?: string): Promise<CommandResult>;
  cluster: TestCluster;
  helmBinary: string;
  /** A TCP echo server the test node's pods reach on 127.0.0.1 (port-forward's far end). */
  echoPort: number;
}

export interface CompatCase {
  name: string;
  run(side: CompatSide): Promise<CommandResult>;
  /** False for commands whose failure is the behaviour compared. */
  expectSuccess?: boolean;
}

const DEPLOYMENT = (ns: string, replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${ns}, labels: { app: web } }
spec:
  replicas: ${String(replicas)}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: warren-test }] }
`;

const CONFIGMAP = (ns: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: applied, namespace: ${ns} }\ndata: { a: "${value}" }\n`;

/** kubectl with a plain argument list, in the side's namespace. */
const k = (
  name: string,
  args: (ns: string) => string[],
  options: { input?: (ns: string) => string; fail?: boolean } = {},
) =>
  ({
    name: `kubectl ${name}`,
    run: (side: CompatSide) => side.kubectl(args(side.ns), options.input?.(side.ns)),
    ...(options.fail ? { expectSuccess: false } : {}),
  }) satisfies CompatCase;

/** Output lines sorted: for listings whose order the API server does not fix. */
const sorted = (c: CompatCase): CompatCase => ({
  ...c,
  run: async (side) => {
    const result = await c.run(side);
    return { ...result, stdout: result.stdout.split("\n").sort().join("\n") };
  },
});

/**
 * `kubectl version`'s server half: the client half names whichever kubectl ran, and Google's
 * kubectl dispatcher (installed here as kubectl) runs its own default when its 5 s /version
 * probe does not answer in time on a loaded machine, whatever path the request then takes.
 */
const serverOnly = (c: CompatCase): CompatCase => ({
  ...c,
  run: async (side) => {
    const result = await c.run(side);
    if (result.exitCode !== 0) return result;
    const { serverVersion } = JSON.parse(result.stdout) as { serverVersion?: unknown };
    return { ...result, stdout: JSON.stringify(serverVersion, null, 2) };
  },
});

/**
 * An object's JSON without metadata.managedFields: the API server orders those entries by
 * their times, to the second, so two updates within one second may list either way round.
 */
function withoutManagedFields(text: string): string {
  const object = JSON.parse(text) as { metadata?: { managedFields?: unknown } };
  delete object.metadata?.managedFields;
  return JSON.stringify(object);
}

/** kubectl proxy on a free port, one GET through it, then stopped. */
async function throughKubectlProxy(side: CompatSide, path: string): Promise<CommandResult> {
  const proxy = backgroundKubectl(side.cluster, side.kubeconfig, [
    ...side.impersonation,
    "proxy",
    "--port=0",
  ]);
  try {
    const line = await proxy.stdout.waitFor(
      (e) => (e.msg ?? "").includes("Starting to serve on"),
      "kubectl proxy",
    );
    const port = /:(\d+)/.exec(line.msg ?? "")?.[1] ?? "";
    const body = await new Promise<string>((resolve, reject) => {
      get(`http://127.0.0.1:${port}${path}`, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => {
          resolve(`${String(res.statusCode)} ${withoutManagedFields(text)}`);
        });
      }).on("error", reject);
    });
    return { exitCode: 0, stdout: body, stderr: "" };
  } finally {
    await proxy.stop();
  }
}

/** kubectl port-forward to the pod's port, one round trip through it, then stopped. */
async function throughPortForward(side: CompatSide): Promise<CommandResult> {
  const args = [
    ...side.impersonation,
    "port-forward",
    "-n",
    side.ns,
    "pod/shell",
    `:${String(side.echoPort)}`,
  ];
  const forward = backgroundKubectl(side.cluster, side.kubeconfig, args);
  try {
    const line = await forward.stdout.waitFor(
      (e) => /Forwarding from 127\.0\.0\.1:\d+/.test(e.msg ?? ""),
      "the local port",
    );
    const local = Number(/127\.0\.0\.1:(\d+)/.exec(line.msg ?? "")?.[1]);
    const echoed = await roundTrip(local, "through port-forward\n");
    const shown = (line.msg ?? "").replace(/:\d+ ->/, ":LOCAL ->");
    return { exitCode: 0, stdout: `${shown}\n${echoed}`, stderr: "" };
  } finally {
    await forward.stop();
  }
}

/** kubectl logs -f: a line written after it started arrives. */
async function followedLog(side: CompatSide): Promise<CommandResult> {
  const args = [...side.impersonation, "logs", "-f", "-n", side.ns, "shell"];
  await side.cluster.appendContainerLog(side.ns, "shell", "before follow\n");
  const follow = backgroundKubectl(side.cluster, side.kubeconfig, args);
  try {
    await follow.stdout.waitFor((e) => e.msg === "before follow", "the existing line");
    await side.cluster.appendContainerLog(side.ns, "shell", "while following\n");
    const later = await follow.stdout.waitFor((e) => e.msg === "while following", "the new line");
    return { exitCode: 0, stdout: `before follow\n${later.msg ?? ""}\n`, stderr: "" };
  } finally {
    await follow.stop();
  }
}

/** A small chart installed, listed and uninstalled with the real helm. */
async function helmRoundTrip(side: CompatSide): Promise<CommandResult> {
  const chart = join(side.dir, "chart");
  await runCommand("mkdir", ["-p", join(chart, "templates")]);
  await writeFile(join(chart, "Chart.yaml"), "apiVersion: v2\nname: tiny\nversion: 0.1.0\n");
  await writeFile(
    join(chart, "templates", "cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .Release.Name }}-cm }\ndata: { v: {{ .Values.v | quote }} }\n",
  );
  const env = {
    ...process.env,
    KUBECONFIG: side.kubeconfig,
    HELM_CACHE_HOME: join(side.dir, "helm-cache"),
    HELM_CONFIG_HOME: join(side.dir, "helm-config"),
    HELM_DATA_HOME: join(side.dir, "helm-data"),
  };
  const as =
    side.impersonation.length > 0
      ? ["--kube-as-user", "alice", "--kube-as-group", side.impersonation[3] ?? ""]
      : [];
  const helm = (...args: string[]) =>
    runCommand(side.helmBinary, [...args, "-n", side.ns, ...as], { env });
  const steps = [
    await helm("install", "tiny", chart, "--set", "v=1", "--wait"),
    await helm("upgrade", "tiny", chart, "--set", "v=2"),
    await helm("ls", "-o", "json"),
    await helm("get", "values", "tiny"),
    await helm("uninstall", "tiny", "--wait"),
    await helm("ls", "-q"),
  ];
  return {
    exitCode: Math.max(...steps.map((s) => s.exitCode)),
    stdout: steps
      .map((s) => s.stdout)
      .join("---\n")
      .replace(/"updated":"[^"]+"/g, '"updated":"T"'),
    stderr: steps.map((s) => s.stderr).join(""),
  };
}

export const compatCases: CompatCase[] = [
  k("get ns", () => ["get", "ns", "default", "-o", "name"]),
  sorted(k("api-resources", () => ["api-resources"])),
  sorted(k("api-versions", () => ["api-versions"])),
  k("explain", () => ["explain", "deployment.spec.replicas"]),
  serverOnly(k("version", () => ["version", "-o", "json"])),
  k("get --raw /api", () => ["get", "--raw", "/api"]),
  k("get --raw /apis/apps/v1", () => ["get", "--raw", "/apis/apps/v1"]),
  k("get --raw /readyz?verbose", () => ["get", "--raw", "/readyz?verbose"]),
  k("get --raw /openid/v1/jwks", () => ["get", "--raw", "/openid/v1/jwks"]),
  k("get --raw of a namespaced list", (ns) => [
    "get",
    "--raw",
    `/api/v1/namespaces/${ns}/serviceaccounts`,
  ]),
  k("create configmap", (ns) => ["create", "configmap", "c1", "-n", ns, "--from-literal=a=1"]),
  k("get -o yaml", (ns) => ["get", "configmap", "c1", "-n", ns, "-o", "yaml"]),
  k("get (table)", (ns) => ["get", "configmap", "c1", "-n", ns]),
  k("describe", (ns) => ["describe", "configmap", "c1", "-n", ns]),
  k("label", (ns) => ["label", "configmap", "c1", "-n", ns, "x=y"]),
  k("annotate", (ns) => ["annotate", "configmap", "c1", "-n", ns, "note=hi"]),
  k("patch (merge)", (ns) => [
    "patch",
    "configmap",
    "c1",
    "-n",
    ns,
    "--type",
    "merge",
    "-p",
    '{"data":{"b":"2"}}',
  ]),
  k("patch (json)", (ns) => [
    "patch",
    "configmap",
    "c1",
    "-n",
    ns,
    "--type",
    "json",
    "-p",
    '[{"op":"remove","path":"/data/b"}]',
  ]),
  k("apply (client-side)", () => ["apply", "-f", "-"], { input: (ns) => CONFIGMAP(ns, "1") }),
  k("diff", () => ["diff", "-f", "-"], { input: (ns) => CONFIGMAP(ns, "2"), fail: true }),
  k("apply (server-side)", () => ["apply", "--server-side", "-f", "-"], {
    input: (ns) => CONFIGMAP(ns, "2"),
  }),
  k("apply a deployment", () => ["apply", "-f", "-"], { input: (ns) => DEPLOYMENT(ns) }),
  k("scale", (ns) => ["scale", "deployment", "web", "-n", ns, "--replicas=3"]),
  k("get jsonpath", (ns) => [
    "get",
    "deployment",
    "web",
    "-n",
    ns,
    "-o",
    "jsonpath={.spec.replicas}",
  ]),
  k("rollout status", (ns) => ["rollout", "status", "deployment/web", "-n", ns, "--watch=false"]),
  k("rollout history", (ns) => ["rollout", "history", "deployment/web", "-n", ns]),
  k("auth can-i", (ns) => ["auth", "can-i", "create", "pods", "-n", ns]),
  k("auth can-i --list", (ns) => ["auth", "can-i", "--list", "-n", ns]),
  k("auth whoami", () => ["auth", "whoami", "-o", "json"]),
  k("get pods -o wide", (ns) => ["get", "pods", "-n", ns, "-o", "wide"]),
  k("logs", (ns) => ["logs", "shell", "-n", ns]),
  k("logs --since", (ns) => ["logs", "shell", "-n", ns, "--since=1h", "--timestamps"]),
  { name: "kubectl logs -f", run: followedLog },
  { name: "kubectl port-forward", run: throughPortForward },
  k("logs --previous", (ns) => ["logs", "shell", "-n", ns, "--previous"], { fail: true }),
  k("exec", (ns) => ["exec", "shell", "-n", ns, "--", "sh", "-c", "echo out; echo err >&2"]),
  k("exec -i", (ns) => ["exec", "-i", "shell", "-n", ns, "--", "cat"], {
    input: () => "from stdin\n",
  }),
  k("exec exit code", (ns) => ["exec", "shell", "-n", ns, "--", "sh", "-c", "exit 3"], {
    fail: true,
  }),
  k("attach -i", (ns) => ["attach", "-i", "shell", "-c", "main", "-n", ns], {
    input: () => "hello\n",
  }),
  {
    name: "kubectl cp both ways",
    run: async (side) => {
      await writeFile(join(side.dir, "in.txt"), "copied in\n");
      const up = await side.kubectl(["cp", join(side.dir, "in.txt"), `${side.ns}/shell:in.txt`]);
      const down = await side.kubectl(["cp", `${side.ns}/shell:in.txt`, join(side.dir, "out.txt")]);
      const back = await readFile(join(side.dir, "out.txt"), "utf8").catch(() => "");
      return {
        exitCode: up.exitCode || down.exitCode,
        stdout: up.stdout + down.stdout + back,
        stderr: up.stderr + down.stderr,
      };
    },
  },
  k("get --watch (ends by --request-timeout)", (ns) => [
    "get",
    "configmap",
    "c1",
    "-n",
    ns,
    "--watch",
    "-o",
    "name",
    "--request-timeout=2s",
  ]),
  k("events", (ns) => ["events", "-n", ns, "--types=Warning"]),
  k("events --watch (ends by --request-timeout)", (ns) => [
    "events",
    "-n",
    ns,
    "--types=Warning",
    "--watch",
    "--request-timeout=2s",
  ]),
  {
    name: "kubectl proxy",
    run: (side) => throughKubectlProxy(side, `/api/v1/namespaces/${side.ns}/configmaps/c1`),
  },
  { name: "helm install, upgrade, ls, get values, uninstall", run: helmRoundTrip },
  k("delete --wait", (ns) => ["delete", "deployment", "web", "-n", ns, "--wait"]),
  k("delete a missing object", (ns) => ["delete", "configmap", "nope", "-n", ns], { fail: true }),
  k("get an empty list", (ns) => ["get", "deployments", "-n", ns]),
];
