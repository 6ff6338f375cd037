import type { Labels } from "@warren/identity";

import { AgentError, AgentErrorCode } from "../errors.js";

/** Everything the agent needs to come back as itself after a restart, without a token. */
export interface AgentState {
  agentId: string;
  clusterName: string;
  labels: Labels;
  /** The hub it joined, host:port. */
  hubAddr: string;
  /** Made by the agent; never leaves the agent and its state. */
  privateKeyPem: string;
  certificatePem: string;
  /** The hub's CA bundle: the only CA the agent trusts the hub through. */
  caPem: string;
}

/** A state and the store's version of it, for optimistic concurrency. */
export interface VersionedState {
  state: AgentState;
  version: string;
}

/** The keys of the state as stored (Secret data keys, documented in the README). */
export const STATE_KEYS = {
  format: "format",
  agentId: "agent-id",
  clusterName: "cluster-name",
  labels: "labels",
  hubAddr: "hub-addr",
  privateKey: "private-key.pem",
  certificate: "certificate.pem",
  ca: "ca.pem",
} as const;

const FORMAT = "1";

export function encodeState(state: AgentState): Record<string, string> {
  return {
    [STATE_KEYS.format]: FORMAT,
    [STATE_KEYS.agentId]: state.agentId,
    [STATE_KEYS.clusterName]: state.clusterName,
    [STATE_KEYS.labels]: JSON.stringify(state.labels),
    [STATE_KEYS.hubAddr]: state.hubAddr,
    [STATE_KEYS.privateKey]: state.privateKeyPem,
    [STATE_KEYS.certificate]: state.certificatePem,
    [STATE_KEYS.ca]: state.caPem,
  };
}

export function decodeState(data: Readonly<Record<string, string>>, where: string): AgentState {
  const missing = Object.values(STATE_KEYS).filter((key) => !data[key]);
  const corrupt = (reason: string) =>
    new AgentError(
      AgentErrorCode.StateCorrupt,
      `${where} does not hold a Warren agent identity (${reason}); delete it to join afresh`,
    );
  if (missing.length > 0) throw corrupt(`missing ${missing.join(", ")}`);
  if (data[STATE_KEYS.format] !== FORMAT) {
    throw corrupt(`format ${data[STATE_KEYS.format] ?? ""}, expected ${FORMAT}`);
  }
  let labels: Labels;
  try {
    labels = JSON.parse(data[STATE_KEYS.labels] ?? "") as Labels;
  } catch {
    throw corrupt("labels are not JSON");
  }
  return {
    agentId: data[STATE_KEYS.agentId] ?? "",
    clusterName: data[STATE_KEYS.clusterName] ?? "",
    labels,
    hubAddr: data[STATE_KEYS.hubAddr] ?? "",
    privateKeyPem: data[STATE_KEYS.privateKey] ?? "",
    certificatePem: data[STATE_KEYS.certificate] ?? "",
    caPem: data[STATE_KEYS.ca] ?? "",
  };
}
