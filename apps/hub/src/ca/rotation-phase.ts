import { RefusalReason } from "@warren/hub-client";

import { refuse } from "../errors.js";

/**
 * A CA rotation's phases, as Teleport names them. `standby` is no rotation; `init` trusts a
 * new CA beside the old one; `update_clients` signs agents, users and admins with the new
 * one; `update_servers` serves the hub's own certificates from it; `standby` again drops the
 * old CA. `rollback`, from any phase before that, returns everyone to the old CA.
 */
export const ROTATION_PHASES = [
  "standby",
  "init",
  "update_clients",
  "update_servers",
  "rollback",
] as const;

export type RotationPhase = (typeof ROTATION_PHASES)[number];

const NEXT: Record<RotationPhase, readonly RotationPhase[]> = {
  standby: ["init"],
  init: ["update_clients", "rollback"],
  update_clients: ["update_servers", "rollback"],
  update_servers: ["standby", "rollback"],
  rollback: ["standby"],
};

export function isRotationPhase(text: string): text is RotationPhase {
  return (ROTATION_PHASES as readonly string[]).includes(text);
}

/** The phases that may follow `phase`, in the order a rotation walks them. */
export function nextPhases(phase: RotationPhase): readonly RotationPhase[] {
  return NEXT[phase];
}

/** Refuses a step the rotation's phase does not allow, naming the steps it does. */
export function checkTransition(from: RotationPhase, to: RotationPhase): void {
  if (NEXT[from].includes(to)) return;
  const allowed = NEXT[from].join(" or ");
  throw refuse.precondition(
    RefusalReason.RotationPhase,
    `the CA rotation is in phase ${from}; from there the next phase is ${allowed}, not ${to}` +
      (from === "standby" ? " (a rotation starts with: warrenctl auth rotate --phase init)" : ""),
  );
}

/** Whether the new CA signs agents', users' and admins' certificates in `phase`. */
export const newCaSignsClients = (phase: RotationPhase) =>
  phase === "update_clients" || phase === "update_servers";

/** Whether the hub's own certificates come from the new CA in `phase`. */
export const newCaSignsServers = (phase: RotationPhase) => phase === "update_servers";
