import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { runCommandOrThrow } from "./run-command.js";
import { MIN_GO_VERSION } from "./versions.js";

export interface GoBinary {
  /** File name of the built binary. */
  name: string;
  /** Go package path of its main package. */
  importPath: string;
  /** Extra -ldflags, typically -X version stamps. */
  ldflags?: readonly string[];
}

export interface GoModuleSpec {
  /** module path -> version */
  requires: Readonly<Record<string, string>>;
  /** module path -> "module version" it is replaced with */
  replaces?: Readonly<Record<string, string>>;
  binaries: readonly GoBinary[];
  /** Source files of our own packages, by path inside the module (e.g. "cmd/x/main.go"). */
  sources?: Readonly<Record<string, string>>;
}

// Never let `go` fetch a different toolchain: only the Go module proxy is reachable here.
const goEnv = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", CGO_ENABLED: "0" };

export async function go(args: readonly string[], cwd?: string): Promise<string> {
  const result = await runCommandOrThrow("go", args, { cwd, env: goEnv });
  return result.stdout;
}

function versionAtLeast(actual: string, minimum: string): boolean {
  const parse = (v: string) => v.replace(/^go/, "").split(".").map(Number);
  const [a, b] = [parse(actual), parse(minimum)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}

async function assertGoAvailable(): Promise<void> {
  let version: string;
  try {
    version = (await go(["env", "GOVERSION"])).trim();
  } catch (cause) {
    throw new Error(
      "building the Kubernetes test binaries needs Go on PATH; install Go " +
        `${MIN_GO_VERSION}+ or point WARREN_K8S_BIN_DIR at existing binaries`,
      { cause },
    );
  }
  if (!versionAtLeast(version, MIN_GO_VERSION)) {
    throw new Error(`Go ${version} is too old to build the test binaries: need ${MIN_GO_VERSION}+`);
  }
}

function goMod(spec: GoModuleSpec): string {
  const lines = ["module warren.local/test-binaries", "", `go ${MIN_GO_VERSION}.0`, ""];
  for (const [path, version] of Object.entries(spec.requires))
    lines.push(`require ${path} ${version}`);
  for (const [path, target] of Object.entries(spec.replaces ?? {}))
    lines.push(`replace ${path} => ${target}`);
  return lines.join("\n") + "\n";
}

function toolsGo(spec: GoModuleSpec): string {
  const imports = spec.binaries.map((b) => `\t_ "${b.importPath}"`).join("\n");
  return `//go:build tools\n\npackage tools\n\nimport (\n${imports}\n)\n`;
}

/**
 * Builds `spec.binaries` into `outDir` from a throwaway Go module. Each binary is moved into
 * place only once built, so a concurrent or interrupted build never leaves a partial file.
 */
export async function buildGoBinaries(spec: GoModuleSpec, outDir: string): Promise<void> {
  await assertGoAvailable();
  await mkdir(outDir, { recursive: true });
  const workDir = await mkdtemp(join(outDir, ".build-"));
  try {
    await writeFile(join(workDir, "go.mod"), goMod(spec));
    await writeFile(join(workDir, "tools.go"), toolsGo(spec));
    for (const [path, text] of Object.entries(spec.sources ?? {})) {
      await mkdir(dirname(join(workDir, path)), { recursive: true });
      await writeFile(join(workDir, path), text);
    }
    await go(["mod", "tidy"], workDir);
    for (const binary of spec.binaries) {
      const ldflags = ["-s", "-w", ...(binary.ldflags ?? [])].join(" ");
      const built = join(workDir, binary.name);
      await go(
        ["build", "-trimpath", "-ldflags", ldflags, "-o", built, binary.importPath],
        workDir,
      );
      await rename(built, join(outDir, binary.name));
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
