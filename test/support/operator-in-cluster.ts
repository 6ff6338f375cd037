import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { TestCluster } from "../k8s/index.js";
import { containerOf, one, type Manifest } from "./helm.js";
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
