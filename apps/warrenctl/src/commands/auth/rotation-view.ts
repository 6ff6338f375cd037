import type { CertificateAuthorities } from "@warren/proto";

import { table } from "../../output/table.js";
import { timeWithRelative } from "../../output/time.js";

/** What each phase means to the people and agents using the hub, and what comes next. */
const PHASE_TEXT: Record<string, string> = {
  standby:
    "no rotation: one CA signs and is trusted (start one with: warrenctl auth rotate --phase init)",
  init: "the new CA is trusted beside the old one; agents add it to their state. Next: --phase update_clients",
  update_clients:
    "the new CA signs agents', users' and admins' certificates; agents renew. Next: --phase update_servers",
  update_servers:
    "the hub serves its own certificates from the new CA. Next: --phase standby (drops the old CA) or --phase rollback",
  rollback: "everyone returns to the old CA. Next: --phase standby (drops the new CA)",
};

/** A JSON view: pins and times, every agent with why it is behind. */
export function rotationJson(authorities: CertificateAuthorities) {
  return {
    phase: authorities.phase,
    phaseChangedAt: new Date(authorities.phaseChangedAtUnixMs).toISOString(),
    activeCaPin: authorities.activeCaPin,
    newCaPin: authorities.newCaPin || undefined,
    clientSigningCaPin: authorities.clientSigningCaPin,
    serverSigningCaPin: authorities.serverSigningCaPin,
    auto: authorities.auto ? { graceMs: authorities.graceMs } : undefined,
    nextStepAt: authorities.nextStepAtUnixMs
      ? new Date(authorities.nextStepAtUnixMs).toISOString()
      : undefined,
    agents: authorities.agents.map((agent) => ({
      agentId: agent.agentId,
      cluster: agent.clusterName,
      connected: agent.connected,
      certificateCaPin: agent.certificateCaPin,
      trustsNewCa: agent.trustsNewCa,
      caughtUp: agent.caughtUp,
      behind: agent.behind || undefined,
    })),
  };
}

const shortPin = (pin: string) => (pin === "" ? "-" : `${pin.slice(0, 19)}…`);

/** The rotation in words, then one line per agent. */
export function rotationText(authorities: CertificateAuthorities, now: Date): string {
  const changed = timeWithRelative(new Date(authorities.phaseChangedAtUnixMs), now);
  const lines = [
    `CA rotation: ${authorities.phase} (since ${changed})`,
    `  ${PHASE_TEXT[authorities.phase] ?? ""}`,
    `  active CA ${authorities.activeCaPin}`,
  ];
  if (authorities.newCaPin) lines.push(`  new CA    ${authorities.newCaPin}`);
  if (authorities.auto && authorities.nextStepAtUnixMs) {
    const at = timeWithRelative(new Date(authorities.nextStepAtUnixMs), now);
    lines.push(`  automatic: next step at ${at} (standby waits for every agent)`);
  }
  const behind = authorities.agents.filter((agent) => !agent.caughtUp).length;
  lines.push(
    `  agents: ${String(authorities.agents.length - behind)} of ${String(authorities.agents.length)} caught up`,
    "",
  );
  if (authorities.agents.length === 0) return lines.join("\n");
  const rows = authorities.agents.map((agent) => [
    agent.agentId,
    agent.clusterName,
    agent.connected ? "yes" : "no",
    shortPin(agent.certificateCaPin),
    agent.caughtUp ? "yes" : `no: ${agent.behind}`,
  ]);
  return (
    lines.join("\n") + table(["AGENT", "CLUSTER", "CONNECTED", "CERTIFICATE CA", "CAUGHT UP"], rows)
  );
}
