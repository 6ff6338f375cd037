import { errorFields, type Logger } from "@warren/log";
import type { HubStore } from "@warren/store";

import { Refusal } from "../errors.js";
import { announce } from "../replicas/apply-change.js";
import type { AgentRegistry } from "../tunnel/agent-registry.js";
import type { AuthorityState } from "./authority-state.js";
import type { HubAuthorities } from "./hub-authorities.js";
import { nextPhases } from "./rotation-phase.js";
import { rotationProgress } from "./rotation-progress.js";

/** When an automatic rotation takes its next step: a third of its grace after the last. */
export function autoStepDueAt(state: AuthorityState): Date | undefined {
  if (!state.auto || state.phase === "standby" || state.phase === "rollback") return undefined;
  return new Date(state.phaseChangedAt.getTime() + state.auto.graceMs / 3);
}

export interface RotationSweepDeps {
  authorities: HubAuthorities;
  store: HubStore;
  registry: AgentRegistry;
  logger: Logger;
}

/**
 * Takes an automatic rotation's next step when it is due; standby waits until every agent has
 * caught up (it never strands one). Every replica sweeps; the store lets one of them move it.
 */
export async function sweepRotation(deps: RotationSweepDeps, now: Date): Promise<void> {
  // The change feed keeps the state current; the store is read only when a step looks due.
  const seen = autoStepDueAt(deps.authorities.state);
  if (!seen || now < seen) return;
  await deps.authorities.reload();
  const { state } = deps.authorities;
  const due = autoStepDueAt(state);
  if (!due || now < due) return;
  const [to] = nextPhases(state.phase);
  if (!to) return;
  if (to === "standby") {
    const behind = (await rotationProgress(deps.authorities, deps.store, deps.registry)).filter(
      (agent) => agent.behind !== undefined,
    );
    if (behind.length > 0) {
      deps.logger.info(
        { behind: behind.map((agent) => agent.agentId) },
        "the automatic CA rotation waits for agents before standby",
      );
      return;
    }
  }
  try {
    await deps.authorities.rotate(to, state.auto);
    await announce(deps.store, deps.logger, { kind: "authorities" });
  } catch (error) {
    // Another replica took the step first.
    if (!(error instanceof Refusal)) throw error;
    deps.logger.debug(errorFields(error), "the automatic CA rotation step was taken elsewhere");
  }
}
