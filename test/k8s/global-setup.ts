import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ensurePostgresBin } from "@warren/store/testing";
import type { TestProject } from "vitest/node";

import { ensureChromium } from "../support/chromium.js";
import { ensureBinaries, type K8sBinaries } from "./binaries.js";
import { startLocalCluster, stopLocalCluster } from "./local-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory of the cluster this run shares; pass it to TestCluster.load. */
    k8sDir: string;
    k8sBinaries: K8sBinaries;
  }
}

const log = (line: string) => {
  process.stderr.write(`k8s: ${line}\n`);
};

/**
 * One real etcd + kube-apiserver for the whole run, the same code `npm run k8s -- up` uses.
 * Tests isolate themselves in namespaces of their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = await ensureBinaries({ log });
  // The HA tests run their own PostgreSQL servers; a fresh machine gets Debian's package here.
  ensurePostgresBin(log);
  // So do the web console's tests a browser: installed here, outside any test's time limit.
  ensureChromium(log);
  const dir = await mkdtemp(join(tmpdir(), "warren-k8s-"));
  const started = Date.now();
  try {
    const state = await startLocalCluster({ dir, binaries, dieWithParent: true });
    log(`kube-apiserver ready at ${state.server} in ${Date.now() - started} ms`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  project.provide("k8sDir", dir);
  project.provide("k8sBinaries", binaries);
  return async () => {
    await stopLocalCluster(dir);
    await rm(dir, { recursive: true, force: true });
  };
}
