// Generates src/gen from ../../proto with buf + ts-proto.
//
// Generation goes to a scratch directory first and is compared with the committed src/gen.
// On a developer machine differences are written back; under CI they fail the run, because the
// generated code is committed and must match the contracts it came from.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, cpSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const committedDir = join(packageDir, "src/gen");
const scratchDir = mkdtempSync(join(tmpdir(), "warren-proto-"));

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

function changedFiles(freshDir, currentDir) {
  const fresh = listFiles(freshDir);
  const current = listFiles(currentDir);
  const all = [...new Set([...fresh, ...current])].sort();
  return all.filter((file) => {
    const a = join(freshDir, file);
    const b = join(currentDir, file);
    return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
  });
}

try {
  const buf = join(packageDir, "../../node_modules/.bin/buf");
  execFileSync(buf, ["generate", "--template", "buf.gen.yaml", "--output", scratchDir], {
    cwd: packageDir,
    stdio: "inherit",
  });
  const freshDir = join(scratchDir, "src/gen");
  const changed = changedFiles(freshDir, committedDir);
  if (changed.length === 0) {
    console.log("packages/proto/src/gen is up to date with proto/");
  } else if (process.env.CI) {
    console.error(
      `packages/proto/src/gen differs from a fresh generation of proto/ in:\n  ${changed.join("\n  ")}\n` +
        "Run `npm run generate` and commit packages/proto/src/gen.",
    );
    process.exitCode = 1;
  } else {
    rmSync(committedDir, { recursive: true, force: true });
    cpSync(freshDir, committedDir, { recursive: true });
    console.log(`regenerated packages/proto/src/gen (${changed.length} files changed)`);
  }
} finally {
  rmSync(scratchDir, { recursive: true, force: true });
}
