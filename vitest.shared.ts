import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources (the "@warren/source" export
// condition), so tests never depend on a stale dist/.
// Vitest also hands these to Node as --conditions, so no "import" among them: a CommonJS
// package's require() would pick its dependencies' ES module builds (pg's of pg-pool breaks).
// Vite and Node add import/require/default themselves.
const conditions = ["@warren/source", "node"];

export default defineConfig({
  resolve: { conditions },
  // "ssr" runs test files; "__vitest__" runs globalSetup files (vitest 4 internals).
  environments: {
    ssr: { resolve: { conditions, externalConditions: conditions } },
    __vitest__: { resolve: { conditions, externalConditions: conditions } },
  },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    // Fail loudly on stray work instead of letting it leak into the next test.
    restoreMocks: true,
    // Unit tests generate RSA keys and sign with node-forge (pure JS): CPU-bound work that
    // takes far longer than vitest's 5 s default when turbo runs every package at once on a
    // 2-core CI machine. A timeout is a failure deadline here, never a synchronisation.
    testTimeout: 30_000,
    // Hooks start servers (PostgreSQL's initdb and postmaster) on that same busy machine;
    // the helpers fail sooner with their own diagnosis, so this only bounds a hang.
    hookTimeout: 120_000,
  },
});
