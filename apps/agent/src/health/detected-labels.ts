import { DetectedLabel, type Labels } from "@warren/identity";

import type { UpstreamClient } from "../proxy/upstream-request.js";
import { ownRequest } from "./own-request.js";

/** Build metadata ("+k3s1") is not a label value; the rest of a gitVersion is. */
export function versionLabel(gitVersion: string): string {
  return gitVersion.split("+")[0]?.slice(0, 63) ?? "";
}

/** The provider a gitVersion names, as the managed distributions suffix it. */
export function providerOf(gitVersion: string): string | undefined {
  if (gitVersion.includes("-gke.")) return "gke";
  if (gitVersion.includes("-eks-")) return "eks";
  if (gitVersion.includes("+k3s")) return "k3s";
  if (gitVersion.includes("+rke2")) return "rke2";
  return undefined;
}

/** Whether the API server serves `group`: 200 on its discovery document, 404 when not. */
async function servesGroup(upstream: UpstreamClient, group: string): Promise<boolean> {
  const answer = await ownRequest(upstream, "GET", `/apis/${group}`);
  if (answer.status === 200 || answer.status === 404) return answer.status === 200;
  throw new Error(`/apis/${group} answered ${String(answer.status)}`);
}

/**
 * What the API server says about its cluster: its version, the provider, and whether it is
 * GKE Autopilot (which refuses impersonating system:masters). Undefined when it would not
 * say (no answer, or not a version document): the hub then keeps what it had.
 */
export async function detectClusterLabels(upstream: UpstreamClient): Promise<Labels | undefined> {
  try {
    return await detect(upstream);
  } catch {
    return undefined;
  }
}

async function detect(upstream: UpstreamClient): Promise<Labels | undefined> {
  const version = await ownRequest(upstream, "GET", "/version");
  if (version.status !== 200) return undefined;
  const said = (JSON.parse(version.body) as { gitVersion?: unknown }).gitVersion;
  const gitVersion = typeof said === "string" ? said : "";
  if (!gitVersion) return undefined;
  const [autopilot, openshift] = await Promise.all([
    servesGroup(upstream, "auto.gke.io"),
    servesGroup(upstream, "config.openshift.io"),
  ]);
  const provider =
    providerOf(gitVersion) ?? (autopilot ? "gke" : openshift ? "openshift" : undefined);
  return {
    [DetectedLabel.KubernetesVersion]: versionLabel(gitVersion),
    ...(provider ? { [DetectedLabel.Provider]: provider } : {}),
    ...(autopilot ? { [DetectedLabel.GkeAutopilot]: "true" } : {}),
  };
}
