import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { parseAllDocuments } from "yaml";

import { runCommand, type CommandResult } from "../k8s/index.js";

export const OPERATOR_CHART = fileURLToPath(new URL("../../charts/operator", import.meta.url));
export const KUBE_AGENT_CHART = fileURLToPath(new URL("../../charts/kube-agent", import.meta.url));

export interface RenderedContainer {
  name: string;
  image: string;
  args?: string[];
  env: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext: Record<string, unknown>;
  resources: Record<string, unknown>;
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
}

export interface RenderedPodSpec {
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  containers: RenderedContainer[];
  volumes?: {
    name: string;
    secret?: { secretName: string };
    projected?: {
      sources: {
        serviceAccountToken?: { path: string; audience?: string; expirationSeconds?: number };
      }[];
    };
  }[];
}

/** A rendered Kubernetes object, with the fields the tests read. */
export interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { replicas?: number; minAvailable?: number; template?: { spec: RenderedPodSpec } };
  rules?: unknown[];
  subjects?: unknown[];
  roleRef?: Record<string, unknown>;
  stringData?: Record<string, string>;
}

/** The pod template of a StatefulSet or Job. */
export function podOf(manifest: Manifest): RenderedPodSpec {
  const pod = manifest.spec?.template?.spec;
  if (!pod) throw new Error(`${manifest.kind} ${manifest.metadata.name} has no pod template`);
  return pod;
}

/** The first container of a StatefulSet's or Job's pod. */
export function containerOf(manifest: Manifest): RenderedContainer {
  const container = podOf(manifest).containers[0];
  if (!container) throw new Error(`${manifest.kind} ${manifest.metadata.name} has no container`);
  return container;
}

/** The real helm, with its caches and config kept in `home` (never the user's ~). */
export class Helm {
  constructor(
    readonly binary: string,
    private readonly home: string,
    private readonly kubeconfig?: string,
  ) {}

  async run(args: readonly string[]): Promise<CommandResult> {
    await mkdir(this.home, { recursive: true });
    const env = {
      ...process.env,
      HELM_CACHE_HOME: join(this.home, "cache"),
      HELM_CONFIG_HOME: join(this.home, "config"),
      HELM_DATA_HOME: join(this.home, "data"),
      ...(this.kubeconfig ? { KUBECONFIG: this.kubeconfig } : {}),
    };
    return runCommand(this.binary, args, { env });
  }

  /** helm template RELEASE CHART -n NAMESPACE with --set values; fails the test if helm does. */
  async template(
    release: string,
    namespace: string,
    values: Readonly<Record<string, string | number | boolean>>,
    chart = KUBE_AGENT_CHART,
    moreArgs: readonly string[] = [],
  ): Promise<Manifest[]> {
    const result = await this.run([
      "template",
      release,
      chart,
      "-n",
      namespace,
      ...setFlags(values),
      ...moreArgs,
    ]);
    if (result.exitCode !== 0) throw new Error(`helm template failed: ${result.stderr}`);
    return parseAllDocuments(result.stdout)
      .map((doc) => doc.toJSON() as Manifest | null)
      .filter((doc): doc is Manifest => doc !== null);
  }
}

export function setFlags(values: Readonly<Record<string, string | number | boolean>>): string[] {
  return Object.entries(values).flatMap(([key, value]) => [
    typeof value === "string" ? "--set-string" : "--set",
    `${key}=${String(value)}`,
  ]);
}

/** The one object of `kind` (and `name`, if given); fails when there is not exactly one. */
export function one(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter(
    (m) => m.kind === kind && (name === undefined || m.metadata.name === name),
  );
  const [first] = found;
  if (first === undefined || found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
  }
  return first;
}
