import type { AgentPlacement } from "@warren/proto";
import type { AgentPlacement as StoredPlacement } from "@warren/store";

/** Kubernetes names (namespaces, pods, StatefulSets, Helm releases): DNS-1123, 253 at most. */
const KUBE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CHART_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;

const kept = (value: string, pattern: RegExp) => (pattern.test(value) ? value : undefined);

/**
 * Where an agent says it runs, as the hub keeps it: only values that are names, so what doctor
 * prints as a command cannot carry anything else (an agent's word is not trusted to be safe).
 */
export function boundedPlacement(placement: Partial<AgentPlacement> | undefined): StoredPlacement {
  const fields = {
    namespace: kept(placement?.namespace ?? "", KUBE_NAME),
    pod: kept(placement?.pod ?? "", KUBE_NAME),
    statefulSet: kept(placement?.statefulSet ?? "", KUBE_NAME),
    helmRelease: kept(placement?.helmRelease ?? "", KUBE_NAME),
    chartVersion: kept(placement?.chartVersion ?? "", CHART_VERSION),
  };
  return Object.fromEntries(Object.entries(fields).filter((entry) => entry[1] !== undefined));
}

const PLACEMENT_KEYS = ["namespace", "pod", "statefulSet", "helmRelease", "chartVersion"] as const;

export function samePlacement(a: StoredPlacement, b: StoredPlacement): boolean {
  return PLACEMENT_KEYS.every((key) => a[key] === b[key]);
}

/** The wire form: every field present, empty when not known. */
export function placementToWire(placement: StoredPlacement): AgentPlacement {
  return {
    namespace: placement.namespace ?? "",
    pod: placement.pod ?? "",
    statefulSet: placement.statefulSet ?? "",
    helmRelease: placement.helmRelease ?? "",
    chartVersion: placement.chartVersion ?? "",
  };
}
