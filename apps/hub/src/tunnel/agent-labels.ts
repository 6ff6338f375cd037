import {
  DETECTED_LABEL_KEYS,
  IdentityError,
  detectedLabelsOf,
  isReservedLabelKey,
  sameLabels,
  validateLabels,
  type Labels,
} from "@warren/identity";
import type { Logger } from "@warren/log";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import type { ConnectedAgent } from "./agent-registry.js";

export interface AgentLabelDeps {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  /** Told after a cluster's labels changed here: open sessions are checked, replicas told. */
  onClusterLabels?: (cluster: string) => Promise<void>;
}

/**
 * The cluster's labels once the agent's say is applied: under the keys its join token allowed
 * (and only those), what the agent is configured with now; a key it no longer sets goes.
 */
export function followedLabels(current: Labels, allowedKeys: readonly string[], said: Labels) {
  const kept = Object.entries(current).filter(([key]) => !allowedKeys.includes(key));
  const followed = Object.entries(said).filter(([key]) => allowedKeys.includes(key));
  return Object.fromEntries([...kept, ...followed]);
}

/**
 * What the agent may set, and what it says under those keys: its configured labels under the
 * keys its join token allowed (none of Warren's own), and the detected labels once it has
 * detected any (before that, or with an older agent, those stay as they are).
 */
export function agentSay(agent: ConnectedAgent, said: Labels, detected: Labels) {
  const tokenKeys = agent.record.labelKeys.filter((key) => !isReservedLabelKey(key));
  const detectedNow = detectedLabelsOf(detected);
  const keys =
    Object.keys(detectedNow).length > 0 ? [...tokenKeys, ...DETECTED_LABEL_KEYS] : tokenKeys;
  const configured = Object.entries(said).filter(([key]) => tokenKeys.includes(key));
  return { keys, labels: { ...Object.fromEntries(configured), ...detectedNow } };
}

/**
 * Applies the labels an agent says it has (a chart upgrade changed them, or the API server
 * says something new about itself) to its cluster, within the keys its token allowed and the
 * detected keys: no state reset, and the next request matches roles by the new labels.
 * Labels that are not valid are left out, with a warning.
 */
export async function followAgentLabels(
  agent: ConnectedAgent,
  said: Labels,
  detected: Labels,
  deps: AgentLabelDeps,
): Promise<void> {
  const { keys, labels } = agentSay(agent, said, detected);
  // Once per tunnel and per change: an admin's relabel of such a key stands until the agent's
  // own say changes or it reconnects (a chart upgrade restarts it).
  if (keys.length === 0 || (agent.saidLabels && sameLabels(agent.saidLabels, labels))) return;
  agent.saidLabels = labels;
  try {
    validateLabels(labels);
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    deps.logger.warn(
      { agentId: agent.record.id, reason: error.message },
      "ignored the labels an agent says it has",
    );
    return;
  }
  const cluster = await deps.store.clusters.get(agent.record.clusterName);
  if (!cluster) return;
  const next = followedLabels(cluster.labels, keys, labels);
  if (sameLabels(next, cluster.labels)) return;
  await deps.store.clusters.setLabels(cluster.name, next, deps.clock.now());
  deps.logger.info(
    { cluster: cluster.name, agentId: agent.record.id, before: cluster.labels, labels: next },
    "the cluster's labels follow its agent",
  );
  await deps.onClusterLabels?.(cluster.name);
}
