import type { Labels } from "./cluster-labels.js";

/**
 * Labels the agent finds out about its cluster from the API server, not set by anyone: the
 * hub keeps them on the cluster under these keys only, so roles can match on them
 * (`labels["warren.dev/gke-autopilot"] != "true"`).
 */
export const DetectedLabel = {
  /** The API server's version, as /version says it ("v1.30.5-gke.1014001"). */
  KubernetesVersion: "warren.dev/kubernetes-version",
  /** Whose Kubernetes it is, when the version or the API groups say: gke, eks, k3s, rke2, openshift. */
  Provider: "warren.dev/provider",
  /** "true" when the API server serves GKE Autopilot's own API group (auto.gke.io). */
  GkeAutopilot: "warren.dev/gke-autopilot",
} as const;

export const DETECTED_LABEL_KEYS: readonly string[] = Object.values(DetectedLabel);

/** The prefix Warren keeps for itself: a join token cannot hand keys under it to an agent. */
export const RESERVED_LABEL_PREFIX = "warren.dev/";

export const isReservedLabelKey = (key: string) => key.startsWith(RESERVED_LABEL_PREFIX);

/** Only the detected keys of `labels`. */
export function detectedLabelsOf(labels: Labels): Labels {
  return Object.fromEntries(
    Object.entries(labels).filter(([key]) => DETECTED_LABEL_KEYS.includes(key)),
  );
}
