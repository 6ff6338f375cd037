import { readFile } from "node:fs/promises";

import { caPin, splitPemBundle } from "@warren/pki";
import { expect } from "vitest";
import { parse } from "yaml";

import type { TestCluster } from "../k8s/index.js";
import { readStateSecret } from "./agent-in-cluster.js";
import { eventually } from "./eventually.js";
import type { TestHub } from "./test-hub.js";

/** The CA rotation as `warrenctl status --format json` shows it. */
export interface RotationView {
  phase: string;
  activeCaPin: string;
  newCaPin?: string;
  serverSigningCaPin: string;
  agents: { agentId: string; cluster: string; caughtUp: boolean; behind?: string }[];
}

export async function rotationOf(hub: TestHub): Promise<RotationView> {
  const status = await hub.warrenctl("status", "--format", "json");
  expect(status.code, status.stderr).toBe(0);
  return (JSON.parse(status.stdout) as { rotation: RotationView }).rotation;
}

/**
 * Moves the rotation with warrenctl and waits until every agent (or those `caughtUp` picks)
 * has told the hub it caught up.
 */
export async function rotateTo(
  hub: TestHub,
  phase: string,
  caughtUp: (agent: RotationView["agents"][number]) => boolean = () => true,
): Promise<RotationView> {
  const moved = await hub.warrenctl("auth", "rotate", "--phase", phase);
  expect(moved.code, moved.stderr).toBe(0);
  expect(moved.stdout).toContain(`CA rotation: ${phase} (since`);
  return eventually(
    async () => {
      const view = await rotationOf(hub);
      return view.agents.filter(caughtUp).every((agent) => agent.caughtUp) && view;
    },
    { description: `the agents caught up with ${phase}`, timeoutMs: 30_000 },
  );
}

/** The pins of the CAs an agent keeps in its -state Secret. */
export async function stateCaPins(
  cluster: TestCluster,
  namespace: string,
  pod = "a-0",
): Promise<string[]> {
  const state = await readStateSecret(cluster, namespace, pod);
  return splitPemBundle(state?.data["ca.pem"] ?? "").map((pem) => caPin(pem));
}

/** The kubeconfig's context for one cluster (warrenctl names them <hub>-<cluster>). */
export async function kubeContext(kubeconfig: string, clusterName: string): Promise<string> {
  const { contexts } = parse(await readFile(kubeconfig, "utf8")) as {
    contexts: { name: string }[];
  };
  const context = contexts.find((c) => c.name.endsWith(`-${clusterName}`));
  if (!context) throw new Error(`no context for ${clusterName} in ${kubeconfig}`);
  return context.name;
}
