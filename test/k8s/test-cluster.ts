import { randomBytes } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { generateKeyPair, issueCertificate, type IssueCertificateOptions } from "@warren/pki";
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";

import { writeKubeconfig } from "./kubeconfig.js";
import { kubectl } from "./kubectl.js";
import { readLocalClusterState, type LocalClusterState } from "./local-cluster.js";
import { containerLogPath } from "./test-node.js";
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
    /** The test node pods run on (see test-node.ts). */
    readonly node: LocalClusterState["node"],
    private readonly pkiDir: string,
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
    return new TestCluster(
      state.server,
      state.kubeconfigPath,
      caPem,
      workDir,
      state.node,
      state.pkiDir,
    );
  }

  /**
   * A client certificate from the cluster's CA: Kubernetes authenticates it as user
   * `commonName` in `groups`, with no Warren in between.
   */
  clientCertificate(commonName: string, groups: readonly string[]) {
    return this.issue({
      subject: { commonName, organizations: [...groups] },
      usages: ["clientAuth"],
    });
  }

  /** A serving certificate for 127.0.0.1 from the cluster's CA, which its clients trust. */
  loopbackServerCertificate() {
    return this.issue({
      subject: { commonName: "127.0.0.1" },
      ipAddresses: ["127.0.0.1"],
      usages: ["serverAuth"],
    });
  }

  /** A fresh key pair and a day's certificate for it from the cluster's CA. */
  private async issue(
    what: Pick<IssueCertificateOptions, "subject" | "usages" | "ipAddresses">,
  ): Promise<{ certPem: string; keyPem: string }> {
    const privateKeyPem = await readFile(join(this.pkiDir, "ca.key"), "utf8");
    const keys = await generateKeyPair();
    const certPem = issueCertificate({
      ...what,
      ca: { certificatePem: this.caPem, privateKeyPem },
      publicKeyPem: keys.publicKeyPem,
      validityMs: 24 * 3_600_000,
    });
    return { certPem, keyPem: keys.privateKeyPem };
  }

  /** The key the API server signs ServiceAccount tokens with: to forge expired ones. */
  serviceAccountSigningKeyPem(): Promise<string> {
    return readFile(join(this.pkiDir, "sa.key"), "utf8");
  }

  /** `kubectl create token`, as an admin would run it; the token, or the failure. */
  async createToken(namespace: string, name: string, ...flags: string[]): Promise<string> {
    const made = await this.kubectl(["create", "token", name, "-n", namespace, ...flags]);
    if (made.exitCode !== 0) throw new Error(`kubectl create token failed: ${made.stderr}`);
    return made.stdout.trim();
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
    more: { input?: string; env?: Readonly<Record<string, string>> } = {},
  ): Promise<CommandResult> {
    return kubectl(args, { kubeconfig, cacheDir: this.kubectlCacheDir, ...more });
  }

  /** kubectl's discovery cache for this cluster, for kubectl processes tests start themselves. */
  get kubectlCacheDir(): string {
    return join(this.workDir, "kubectl-cache");
  }

  /**
   * Creates a pod on the test node and resolves once it is Ready. Its one container, "main",
   * runs commands in a directory of its own, echoes what is attached to it, and logs what
   * appendContainerLog writes.
   */
  async runPod(namespace: string, name: string): Promise<void> {
    // The ServiceAccount admission plugin wants "default", which no controller creates here.
    await this.core
      .createNamespacedServiceAccount({ namespace, body: { metadata: { name: "default" } } })
      .catch((error: unknown) => {
        if ((error as { code?: number }).code !== 409) throw error;
      });
    await this.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name },
        spec: {
          nodeName: this.node.name,
          containers: [{ name: "main", image: "warren-test", stdin: true }],
        },
      },
    });
    const waited = await this.kubectl([
      "wait",
      "--for=condition=Ready",
      `pod/${name}`,
      "-n",
      namespace,
      "--timeout=60s",
    ]);
    if (waited.exitCode !== 0) throw new Error(`pod ${namespace}/${name}: ${waited.stderr}`);
  }

  /** Appends to what `kubectl logs` shows for a container of a pod made by runPod. */
  async appendContainerLog(namespace: string, pod: string, text: string, container = "main") {
    const path = containerLogPath(this.node.rootDir, namespace, pod, container);
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, text);
  }
}
