import type { AgentPlacement } from "@warren/proto";

/** The kube-agent chart's names when an agent (of an older version) did not say its own. */
const CHART_DEFAULTS = {
  namespace: "warren",
  pod: "warren-agent-0",
  statefulSet: "warren-agent",
  helmRelease: "warren-agent",
};

/** Where an agent runs, for commands: what it said, the chart's defaults for what it did not. */
export interface AgentPlace {
  namespace: string;
  pod: string;
  statefulSet: string;
  helmRelease: string;
  /** The names taken from the chart's defaults, as a person would call them. */
  assumed: string[];
}

const WORDS = {
  namespace: "namespace",
  pod: "pod",
  statefulSet: "StatefulSet",
  helmRelease: "release",
} as const;

export function placeOf(placement: AgentPlacement | undefined): AgentPlace {
  const said = {
    namespace: placement?.namespace ?? "",
    pod: placement?.pod ?? "",
    statefulSet: placement?.statefulSet ?? "",
    helmRelease: placement?.helmRelease ?? "",
  };
  const keys = Object.keys(WORDS) as (keyof typeof WORDS)[];
  return {
    namespace: said.namespace || CHART_DEFAULTS.namespace,
    pod: said.pod || CHART_DEFAULTS.pod,
    statefulSet: said.statefulSet || CHART_DEFAULTS.statefulSet,
    helmRelease: said.helmRelease || CHART_DEFAULTS.helmRelease,
    assumed: keys.filter((key) => said[key] === "").map((key) => WORDS[key]),
  };
}

/** Appended to a fix that had to assume some of the chart's default names. */
export function assumedNames(places: readonly AgentPlace[]): string {
  const assumed = [...new Set(places.flatMap((place) => place.assumed))];
  return assumed.length === 0
    ? ""
    : ` (${assumed.join(", ")} assumed from the chart's defaults: the agent did not say)`;
}

export const agentLogs = (place: AgentPlace) =>
  `kubectl -n ${place.namespace} logs statefulset/${place.statefulSet}`;

export const helmUpgrade = (place: AgentPlace, sets: string) =>
  `helm upgrade ${place.helmRelease} charts/kube-agent -n ${place.namespace} --reuse-values ${sets}`;

/** Deletes the -state Secret of every replica, then restarts them: a reset identity. */
export function resetCommands(places: readonly AgentPlace[]): string {
  const byNamespace = new Map<string, AgentPlace[]>();
  for (const place of places) {
    byNamespace.set(place.namespace, [...(byNamespace.get(place.namespace) ?? []), place]);
  }
  return [...byNamespace]
    .map(([namespace, here]) => {
      const secrets = [...new Set(here.map((place) => `${place.pod}-state`))].join(" ");
      const sets = [...new Set(here.map((place) => place.statefulSet))];
      return (
        `kubectl -n ${namespace} delete secret ${secrets}, then ` +
        sets.map((set) => `kubectl -n ${namespace} rollout restart statefulset/${set}`).join(", ")
      );
    })
    .join("; ");
}
