// How fast warren-operator turns N WarrenRoles applied at once into hub roles, against the
// same N ApplyRole calls made straight to the hub over one admin connection (its floor).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { adminProfilePath, callUnary, hubChannel, readAdminProfile } from "@warren/hub-client";
import { crdDocuments } from "@warren/operator";
import { AdminServiceClient } from "@warren/proto";

import { ensureBinaries } from "../../k8s/binaries.js";
import { TestCluster } from "../../k8s/index.js";
import { startLocalCluster, stopLocalCluster } from "../../k8s/local-cluster.js";
import { startTestHub, type TestHub } from "../../support/test-hub.js";
import { spawnWarren, type WarrenProcess } from "../../support/warren-process.js";
import { progress, ratio } from "../stats.js";

export interface OperatorBenchOptions {
  objects: number;
}

const HUB_NAME = "hub.bench";
const roleSpec = (group: string) =>
  `spec:\n  allow:\n    kubernetes_labels: { env: bench }\n    kubernetes_groups: ["${group}"]\n`;

/** The hub's role names with a prefix, as the admin API lists them. */
async function rolesWithPrefix(client: AdminServiceClient, prefix: string): Promise<number> {
  const { roles } = await callUnary(client.listRoles.bind(client), {});
  return roles.filter((role) => role.name.startsWith(prefix)).length;
}

/** ApplyRole N times over one connection: what the operator's hub calls cost at least. */
async function direct(client: AdminServiceClient, objects: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < objects; i++) {
    const document = `kind: role\nmetadata: { name: direct-${String(i)} }\n${roleSpec("g")}`;
    await callUnary(client.applyRole.bind(client), { document });
  }
  return performance.now() - started;
}

/** kubectl apply of N WarrenRoles in one file, until the hub holds all N. */
async function throughOperator(
  cluster: TestCluster,
  namespace: string,
  client: AdminServiceClient,
  operator: WarrenProcess,
  objects: number,
): Promise<{ applyMs: number; allOnHubMs: number }> {
  const file = Array.from(
    { length: objects },
    (_, i) =>
      `apiVersion: resources.warren.dev/v1\nkind: WarrenRole\nmetadata: { name: crd-${String(i)} }\n${roleSpec("g")}`,
  ).join("---\n");
  const started = performance.now();
  const applied = await cluster.kubectl(["apply", "-n", namespace, "-f", "-"], undefined, {
    input: file,
  });
  if (applied.exitCode !== 0) throw new Error(`kubectl apply: ${applied.stderr}`);
  const applyMs = performance.now() - started;
  // The operator logs each role it creates: wait for the N-th, then confirm on the hub.
  await operator.logs.waitForCount(
    (entry) => entry.msg === "hub resource created" && String(entry.name).startsWith("crd-"),
    objects,
    "every WarrenRole created on the hub",
  );
  const onHub = await rolesWithPrefix(client, "crd-");
  if (onHub !== objects)
    throw new Error(`the hub holds ${String(onHub)} of ${String(objects)} roles`);
  return { applyMs, allOnHubMs: performance.now() - started };
}

async function startOperator(cluster: TestCluster, hub: TestHub, scratch: string) {
  const namespace = await cluster.createNamespace("bench-iac");
  await cluster.createServiceAccount(namespace, "warren-operator");
  const crds = crdDocuments()
    .map((doc) => JSON.stringify(doc))
    .join("\n---\n");
  const installed = await cluster.kubectl(["apply", "-f", "-"], undefined, { input: crds });
  if (installed.exitCode !== 0) throw new Error(`installing CRDs: ${installed.stderr}`);
  await cluster.kubectl(["wait", "--for=condition=Established", "crd", "--all"]);
  const jwks = (await cluster.kubectl(["get", "--raw", "/openid/v1/jwks"])).stdout.trim();
  const tokenDoc = join(scratch, "operator-token.yaml");
  await writeFile(
    tokenDoc,
    `kind: provision_token\nmetadata: { name: warren-operator }\nspec:\n  type: admin\n  admin_name: warren-operator\n  join_method: kubernetes\n  kubernetes:\n    type: static_jwks\n    static_jwks: { jwks: '${jwks}' }\n    allow: [{ service_account: "${namespace}:warren-operator" }]\n`,
  );
  if ((await hub.warrenctl("create", "-f", tokenDoc)).code !== 0) throw new Error("token refused");
  const tokenFile = join(scratch, "join-token");
  await writeFile(
    tokenFile,
    await cluster.createToken(
      namespace,
      "warren-operator",
      "--audience",
      HUB_NAME,
      "--duration",
      "10m",
    ),
  );
  const operator: WarrenProcess = spawnWarren("operator", ["start"], {
    WARREN_HUB_ADDR: hub.addr,
    WARREN_CA_PIN: hub.caPin,
    WARREN_JOIN_TOKEN_FILE: tokenFile,
    POD_NAMESPACE: namespace,
    POD_NAME: "bench-operator",
    KUBECONFIG: cluster.adminKubeconfigPath,
    WARREN_LOG_LEVEL: "info",
    WARREN_RESYNC_PERIOD: "10m",
  });
  await operator.logs.waitForMessage("watching custom resources");
  return { namespace, operator };
}

export async function operatorBench(
  options: OperatorBenchOptions,
): Promise<Record<string, unknown>> {
  const scratch = await mkdtemp(join(tmpdir(), "warren-bench-operator-"));
  const binaries = await ensureBinaries({ log: progress });
  await startLocalCluster({ dir: scratch, binaries, dieWithParent: true });
  const cluster = await TestCluster.load(scratch);
  const hub = await startTestHub({ args: ["--log-level", "info", "--hub-name", HUB_NAME] });
  const profile = await readAdminProfile(adminProfilePath(hub.dataDir));
  const channel = hubChannel(profile.hubAddr, profile);
  const client = new AdminServiceClient(channel.target, channel.credentials, channel.options);
  const { namespace, operator } = await startOperator(cluster, hub, scratch);
  try {
    progress(`${String(options.objects)} roles straight to the hub`);
    const directMs = await direct(client, options.objects);
    progress(`${String(options.objects)} WarrenRoles through the operator`);
    const operated = await throughOperator(cluster, namespace, client, operator, options.objects);
    return {
      objects: options.objects,
      directApplyRole: { totalMs: Math.round(directMs), perObjectMs: directMs / options.objects },
      operator: {
        kubectlApplyMs: Math.round(operated.applyMs),
        allOnHubMs: Math.round(operated.allOnHubMs),
        perObjectMs: operated.allOnHubMs / options.objects,
      },
      operatorOverDirect: ratio(operated.allOnHubMs, directMs),
    };
  } finally {
    client.close();
    await operator.stop();
    await hub.process.stop();
    await stopLocalCluster(scratch);
    await rm(scratch, { recursive: true, force: true });
    await rm(hub.dataDir, { recursive: true, force: true });
  }
}
