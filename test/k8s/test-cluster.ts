import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";

import { writeKubeconfig } from "./kubeconfig.js";
import { kubectl } from "./kubectl.js";
import { readLocalClusterState } from "./local-cluster.js";
import type { CommandResult } from "./run-command.js";

/** A handle on a running local cluster, with the helpers tests need. */
export class TestCluster {
  readonly admin: KubeConfig;
  readonly core: CoreV1Api;
  readonly rbac: RbacAuthorizationV1Api;

  private constructor(
    readonly server: string,
    readonly adminKubeconfigPath: string,
    readonly caPem: string,
    /** Scratch space for kubeconfigs and such; removed with the cluster. */
    readonly workDir: string,
  ) {
    this.admin = new KubeConfig();
    this.admin.loadFromFile(adminKubeconfigPath);
    this.core = this.admin.makeApiClient(CoreV1Api);
    this.rbac = this.admin.makeApiClient(RbacAuthorizationV1Api);
  }

  /** Attaches to the cluster that `startLocalCluster` runs in `dir`. */
  static async load(dir: string): Promise<TestCluster> {
    const state = await readLocalClusterState(dir);
    if (!state)
      throw new Error(`no local cluster in ${dir}: start one with npm run k8s -- up ${dir}`);
    const workDir = join(dir, "work");
    await mkdir(workDir, { recursive: true });
    const caPem = await readFile(join(state.pkiDir, "ca.crt"), "utf8");
    return new TestCluster(state.server, state.kubeconfigPath, caPem, workDir);
  }

  /** A name no other test uses, e.g. "rbac-3f9a1c". */
  uniqueName(prefix: string): string {
    return `${prefix}-${randomBytes(3).toString("hex")}`;
  }

  async createNamespace(prefix: string): Promise<string> {
    const name = this.uniqueName(prefix);
    await this.core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  async createServiceAccount(namespace: string, name: string): Promise<void> {
    await this.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  }

  /** A bound token from the TokenRequest API, as a pod's projected token would be. */
  async mintServiceAccountToken(
    namespace: string,
    name: string,
    expirationSeconds = 3600,
  ): Promise<string> {
    const response = await this.core.createNamespacedServiceAccountToken({
      name,
      namespace,
      body: { spec: { audiences: [], expirationSeconds } },
    });
    const token = response.status?.token;
    if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
    return token;
  }

  /** Writes a kubeconfig that authenticates with `token`; returns its path. */
  async writeTokenKubeconfig(token: string, userName: string, namespace?: string): Promise<string> {
    return writeKubeconfig(join(this.workDir, `${this.uniqueName(userName)}.kubeconfig`), {
      server: this.server,
      caPem: this.caPem,
      userName,
      credentials: { token },
      namespace,
    });
  }

  /** Creates a ServiceAccount, mints its token and writes a kubeconfig for it. */
  async serviceAccountKubeconfig(namespace: string, name: string): Promise<string> {
    await this.createServiceAccount(namespace, name);
    const token = await this.mintServiceAccountToken(namespace, name);
    return this.writeTokenKubeconfig(
      token,
      `system:serviceaccount:${namespace}:${name}`,
      namespace,
    );
  }

  /** Runs the installed kubectl against this cluster, as admin unless `kubeconfig` is given. */
  kubectl(
    args: readonly string[],
    kubeconfig = this.adminKubeconfigPath,
    input?: string,
  ): Promise<CommandResult> {
    return kubectl(args, { kubeconfig, cacheDir: join(this.workDir, "kubectl-cache"), input });
  }
}
