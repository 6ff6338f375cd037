import type { AgentState, VersionedState } from "./agent-state.js";

/** What a save found: written (with its new version), or someone else's newer state. */
export type SaveOutcome =
  { saved: true; version: string } | { saved: false; current: VersionedState | undefined };

/**
 * Where the agent keeps its identity. Saves are optimistic: they succeed only over the version
 * the agent last read (or, with no version, only if nothing is stored yet), so two processes
 * never overwrite each other's identity.
 */
export interface StateStore {
  /** e.g. "Secret warren/agent-0-state", for messages. */
  readonly description: string;
  /** The exact commands that reset the identity, for messages. */
  readonly resetInstructions: string;
  load(): Promise<VersionedState | undefined>;
  save(state: AgentState, expectedVersion: string | undefined): Promise<SaveOutcome>;
}
