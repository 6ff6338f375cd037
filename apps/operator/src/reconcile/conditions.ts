import type { Condition } from "./custom-resource.js";

export const VALID_STRUCTURE = "ValidStructure";
export const RESOURCE_OWNED = "WarrenResourceOwned";
export const RECONCILED = "SuccessfullyReconciled";

export type ConditionInput = Omit<Condition, "lastTransitionTime" | "observedGeneration">;

/**
 * The conditions after setting `updates`: a condition whose status did not change keeps its
 * lastTransitionTime, as metav1.Condition requires; the rest keep their place.
 */
export function setConditions(
  current: readonly Condition[],
  updates: readonly ConditionInput[],
  generation: number | undefined,
  now: Date,
): Condition[] {
  const next = [...current];
  for (const update of updates) {
    const index = next.findIndex((c) => c.type === update.type);
    const previous = index < 0 ? undefined : next[index];
    const condition: Condition = {
      ...update,
      lastTransitionTime:
        previous?.status === update.status
          ? previous.lastTransitionTime
          : now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    };
    if (index < 0) next.push(condition);
    else next[index] = condition;
  }
  return next;
}

/** Whether writing `next` would change what `current` says (times aside). */
export function conditionsDiffer(
  current: readonly Condition[],
  next: readonly Condition[],
): boolean {
  if (current.length !== next.length) return true;
  return next.some((condition) => {
    const old = current.find((c) => c.type === condition.type);
    return (
      old?.status !== condition.status ||
      old.reason !== condition.reason ||
      old.message !== condition.message ||
      old.observedGeneration !== condition.observedGeneration
    );
  });
}
