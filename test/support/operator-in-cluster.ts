import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { TestCluster } from "../k8s/index.js";
import { containerOf, OPERATOR_CHART, one, setFlags, type Helm, type Manifest } from "./helm.js";
import type { TestHub } from "./test-hub.js";
import { spawnWarren, type WarrenProcess } from "./warren-process.js";

export interface OperatorSite {
  cluster: TestCluster;
  namespace: string;
  /** The chart's ServiceAccount (and Deployment) name. */
  release: string;
  hubName: string;
  rendered: Manifest[];
  scratch: string;
}

/**
 * warren-operator run as the chart's Deployment would run it: its environment, as the
 * chart's ServiceAccount (so the chart's Role is all it has), with a projected-style join token
 * (audience: the hub's name, ten minutes) in a file.
 */
export async function spawnOperator(
  site: OperatorSite,
  identity: string,
  env: Record<string, string> = {},
): Promise<WarrenProcess> {
  const { cluster, namespace, release } = site;
  const fromChart = Object.fromEntries(
    containerOf(one(site.rendered, "Deployment")).env.map((e) => [e.name, e.value ?? ""]),
  );
  const tokenFile = join(site.scratch, `${identity}-join-token`);
  await writeFile(
    tokenFile,
    await cluster.createToken(namespace, release, "--audience", site.hubName, "--duration", "10m"),
  );
  const apiToken = await cluster.mintServiceAccountToken(namespace, release);
  const kubeconfig = await cluster.writeTokenKubeconfig(apiToken, release, namespace);
  return spawnWarren("operator", ["start"], {
    ...fromChart,
    POD_NAME: identity,
    POD_NAMESPACE: namespace,
    WARREN_JOIN_TOKEN_FILE: tokenFile,
    KUBECONFIG: kubeconfig,
    WARREN_LOG_LEVEL: "debug",
    ...env,
  });
}

/**
 * Installs the operator chart into a new namespace, and makes the provision token the
 * standalone guide has an admin make: the cluster's keys trusted for the operator's account.
 */
export async function installOperator(
  cluster: TestCluster,
  helm: Helm,
  hub: TestHub,
  options: { hubName: string; release: string; scratch: string },
): Promise<OperatorSite> {
  const { hubName, release, scratch } = options;
  const namespace = cluster.uniqueName("warren-iac");
  const values = { hubAddr: hub.addr, caPin: hub.caPin, hubName };
  const installed = await helm.run([
    "install",
    release,
    OPERATOR_CHART,
    "-n",
    namespace,
    "--create-namespace",
    ...setFlags(values),
  ]);
  if (installed.exitCode !== 0) throw new Error(`helm install failed: ${installed.stderr}`);
  const jwks = (await cluster.kubectl(["get", "--raw", "/openid/v1/jwks"])).stdout.trim();
  const tokenFile = join(scratch, "operator-token.yaml");
  await writeFile(
    tokenFile,
    `kind: provision_token\nmetadata: { name: warren-operator }\nspec:\n  type: admin\n  admin_name: warren-operator\n  join_method: kubernetes\n  kubernetes:\n    type: static_jwks\n    static_jwks: { jwks: '${jwks}' }\n    allow: [{ service_account: "${namespace}:${release}" }]\n`,
  );
  const created = await hub.warrenctl("create", "-f", tokenFile);
  if (created.code !== 0) throw new Error(`warrenctl create failed: ${created.stderr}`);
  return {
    cluster,
    namespace,
    release,
    hubName,
    rendered: await helm.template(release, namespace, values, OPERATOR_CHART),
    scratch,
  };
}
