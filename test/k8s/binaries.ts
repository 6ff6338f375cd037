import { constants } from "node:fs";
import { createHash } from "node:crypto";
import { access, readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { buildGoBinaries, go, type GoModuleSpec } from "./go-build.js";
import { ETCD_VERSION, HELM_VERSION, KUBERNETES_VERSION } from "./versions.js";

export interface K8sBinaries {
  kubeApiserver: string;
  etcd: string;
  helm: string;
  /** Our node stand-in (test/k8s/test-kubelet), built against the same Kubernetes. */
  testKubelet: string;
  /** A client-go program that lists, watches and execs (test/k8s/client-go-probe). */
  clientGoProbe: string;
}

type BinaryKey = keyof K8sBinaries;

/** Per-binary overrides, for people who already have these binaries. */
export const BINARY_ENV: Readonly<Record<BinaryKey, string>> = {
  kubeApiserver: "WARREN_KUBE_APISERVER_BIN",
  etcd: "WARREN_ETCD_BIN",
  helm: "WARREN_HELM_BIN",
  testKubelet: "WARREN_TEST_KUBELET_BIN",
  clientGoProbe: "WARREN_CLIENT_GO_PROBE_BIN",
};
/** A directory holding any of kube-apiserver, etcd, helm, warren-test-kubelet and warren-client-go-probe. */
export const BIN_DIR_ENV = "WARREN_K8S_BIN_DIR";
/** Where built binaries are cached; defaults to $XDG_CACHE_HOME/warren or ~/.cache/warren. */
export const CACHE_DIR_ENV = "WARREN_CACHE_DIR";

const FILE_NAMES: Readonly<Record<BinaryKey, string>> = {
  kubeApiserver: "kube-apiserver",
  etcd: "etcd",
  helm: "helm",
  testKubelet: "warren-test-kubelet",
  clientGoProbe: "warren-client-go-probe",
};

/** Our own Go programs: one package each, built in one module against client-go. */
const GO_PACKAGES = { testKubelet: "test-kubelet", clientGoProbe: "client-go-probe" } as const;
const goPackageDir = (name: string) => fileURLToPath(new URL(`./${name}/`, import.meta.url));

export function cacheRoot(env = process.env): string {
  const configured = env[CACHE_DIR_ENV];
  if (configured) return configured;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "warren");
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Kubernetes publishes staging modules (k8s.io/api, …) as v0.X.Y for release v1.X.Y. */
async function kubernetesStagingReplaces(version: string): Promise<Record<string, string>> {
  const info = JSON.parse(
    await go(["mod", "download", "-json", `k8s.io/kubernetes@${version}`]),
  ) as {
    GoMod: string;
  };
  const goModText = await readFile(info.GoMod, "utf8");
  const stagingVersion = version.replace(/^v1\./, "v0.");
  const replaces: Record<string, string> = {};
  for (const [, module] of goModText.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s*=>\s*\.\/staging\//gm)) {
    if (module) replaces[module] = `${module} ${stagingVersion}`;
  }
  return replaces;
}

async function kubernetesSpec(): Promise<GoModuleSpec> {
  const [major, minor] = KUBERNETES_VERSION.replace(/^v/, "").split(".");
  const stamp = (pkg: string) => [
    `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
    `-X ${pkg}.gitMajor=${major ?? ""}`,
    `-X ${pkg}.gitMinor=${minor ?? ""}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
  return {
    requires: {
      "k8s.io/kubernetes": KUBERNETES_VERSION,
      "go.etcd.io/etcd/server/v3": ETCD_VERSION,
    },
    replaces: await kubernetesStagingReplaces(KUBERNETES_VERSION),
    binaries: [
      {
        name: FILE_NAMES.kubeApiserver,
        importPath: "k8s.io/kubernetes/cmd/kube-apiserver",
        ldflags: [
          ...stamp("k8s.io/component-base/version"),
          ...stamp("k8s.io/client-go/pkg/version"),
        ],
      },
      { name: FILE_NAMES.etcd, importPath: "go.etcd.io/etcd/server/v3" },
    ],
  };
}

function helmSpec(): GoModuleSpec {
  return {
    requires: { "helm.sh/helm/v3": HELM_VERSION },
    binaries: [
      {
        name: FILE_NAMES.helm,
        importPath: "helm.sh/helm/v3/cmd/helm",
        ldflags: [`-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`],
      },
    ],
  };
}

/** Our Go programs' files, keyed by their path in the build module. */
async function ownGoSources(): Promise<Record<string, string>> {
  const sources: Record<string, string> = {};
  for (const name of Object.values(GO_PACKAGES)) {
    const dir = goPackageDir(name);
    const files = (await readdir(dir)).filter((file) => file.endsWith(".go")).sort();
    for (const file of files) sources[`${name}/${file}`] = await readFile(join(dir, file), "utf8");
  }
  return sources;
}

function ownGoSpec(sources: Record<string, string>): GoModuleSpec {
  // The published kubelet module pins the matching apimachinery and client-go.
  const staging = KUBERNETES_VERSION.replace(/^v1\./, "v0.");
  return {
    requires: {
      "k8s.io/kubelet": staging,
      "k8s.io/client-go": staging,
      "k8s.io/api": staging,
      "k8s.io/apimachinery": staging,
    },
    sources,
    binaries: Object.entries(GO_PACKAGES).map(([key, name]) => ({
      name: FILE_NAMES[key as keyof typeof GO_PACKAGES],
      importPath: `warren.local/test-binaries/${name}`,
    })),
  };
}

interface BuildGroup {
  dir: string;
  keys: readonly BinaryKey[];
  spec: () => Promise<GoModuleSpec> | GoModuleSpec;
  label: string;
}

async function buildGroups(root: string): Promise<BuildGroup[]> {
  const ownSources = await ownGoSources();
  // Keyed by their sources too, so an edit rebuilds them once.
  const ownHash = createHash("sha256")
    .update(JSON.stringify(ownSources))
    .digest("hex")
    .slice(0, 12);
  return [
    {
      dir: join(root, "k8s", `kubernetes-${KUBERNETES_VERSION}-etcd-${ETCD_VERSION}`),
      keys: ["kubeApiserver", "etcd"],
      spec: kubernetesSpec,
      label: `kube-apiserver ${KUBERNETES_VERSION} and etcd ${ETCD_VERSION}`,
    },
    {
      dir: join(root, "k8s", `helm-${HELM_VERSION}`),
      keys: ["helm"],
      spec: helmSpec,
      label: `helm ${HELM_VERSION}`,
    },
    {
      dir: join(root, "k8s", `test-programs-${KUBERNETES_VERSION}-${ownHash}`),
      keys: ["testKubelet", "clientGoProbe"],
      spec: () => ownGoSpec(ownSources),
      label: `warren-test-kubelet and warren-client-go-probe (Kubernetes ${KUBERNETES_VERSION})`,
    },
  ];
}

async function userProvided(key: BinaryKey, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const explicit = env[BINARY_ENV[key]];
  if (explicit) {
    if (!(await isExecutable(explicit))) {
      throw new Error(`${BINARY_ENV[key]}=${explicit} is not an executable file`);
    }
    return explicit;
  }
  const binDir = env[BIN_DIR_ENV];
  if (binDir) {
    const candidate = join(binDir, FILE_NAMES[key]);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface EnsureBinariesOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/**
 * Finds kube-apiserver, etcd, helm and the test kubelet: the user's own (environment) first, then the cache,
 * building into the cache with Go what is missing. A second call never rebuilds.
 */
export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<K8sBinaries> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const found: Partial<K8sBinaries> = {};
  for (const group of await buildGroups(cacheRoot(env))) {
    const missing: BinaryKey[] = [];
    for (const key of group.keys) {
      const path = (await userProvided(key, env)) ?? join(group.dir, FILE_NAMES[key]);
      found[key] = path;
      if (!(await isExecutable(path))) missing.push(key);
    }
    if (missing.length > 0) {
      log(`building ${group.label} into ${group.dir} (first run only; takes minutes)`);
      const started = Date.now();
      const spec = await group.spec();
      const names = new Set(missing.map((key) => FILE_NAMES[key]));
      const binaries = spec.binaries.filter((binary) => names.has(binary.name));
      await buildGoBinaries({ ...spec, binaries }, group.dir);
      log(`built ${group.label} in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
  return found as K8sBinaries;
}
