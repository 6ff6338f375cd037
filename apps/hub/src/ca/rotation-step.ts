import { createCertificateAuthority, crossCertify } from "@warren/pki";

import type { AuthorityState, AutoRotation } from "./authority-state.js";
import { checkTransition, type RotationPhase } from "./rotation-phase.js";

const CA_VALIDITY_MS = 10 * 365 * 24 * 3_600_000;
/** Retired CAs remembered, to tell their certificates' holders what happened. */
const RETIRED_KEPT = 4;

/** The hub's first CA; a rotation's CAs carry the date, so no two share a name. */
function caSubject(now: Date | undefined) {
  const commonName = now ? `Warren hub CA ${now.toISOString().slice(0, 19)}Z` : "Warren hub CA";
  return { commonName, organizations: ["warren"] };
}

export async function newCertificateAuthority(now: Date, rotated: boolean) {
  return createCertificateAuthority({
    subject: caSubject(rotated ? now : undefined),
    validityMs: CA_VALIDITY_MS,
    now,
  });
}

/**
 * The state after moving `state` to phase `to` (refused unless the phase allows it): init
 * makes the new CA and its cross-certificate; standby after update_servers makes it the only
 * one (the old one retired); standby after rollback drops it.
 */
export async function rotationStep(
  state: AuthorityState,
  to: RotationPhase,
  now: Date,
  auto?: AutoRotation,
): Promise<AuthorityState> {
  checkTransition(state.phase, to);
  const moved = { ...state, phase: to, phaseChangedAt: now };
  if (to === "init") {
    const next = await newCertificateAuthority(now, true);
    const started: AuthorityState = {
      ...moved,
      next,
      nextCrossPem: crossCertify(next, state.active, now),
    };
    if (auto) started.auto = auto;
    else delete started.auto;
    return started;
  }
  if (to !== "standby") return moved;
  const settled: AuthorityState = {
    phase: "standby",
    active: state.active,
    retired: state.retired,
    phaseChangedAt: now,
  };
  if (state.activeCrossPem) settled.activeCrossPem = state.activeCrossPem;
  if (!state.next) return settled;
  if (state.phase === "rollback") {
    // Certificates the new CA signed before the rollback are refused with a way out too.
    return {
      ...settled,
      retired: [...state.retired, state.next.certificatePem].slice(-RETIRED_KEPT),
    };
  }
  return {
    ...settled,
    active: state.next,
    ...(state.nextCrossPem ? { activeCrossPem: state.nextCrossPem } : {}),
    retired: [...state.retired, state.active.certificatePem].slice(-RETIRED_KEPT),
  };
}
