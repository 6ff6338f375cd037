import type { handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { caPin } from "@warren/pki";
import type {
  CertificateAuthorities,
  GetCertificateAuthoritiesRequest,
  GetCertificateAuthoritiesResponse,
  RotateCertificateAuthorityRequest,
  RotateCertificateAuthorityResponse,
} from "@warren/proto";
import type { HubStore } from "@warren/store";

import type { HubAuthorities } from "../ca/hub-authorities.js";
import { rotationProgress, type AgentProgress } from "../ca/rotation-progress.js";
import { isRotationPhase, ROTATION_PHASES, type RotationPhase } from "../ca/rotation-phase.js";
import { autoStepDueAt } from "../ca/rotation-sweep.js";
import { refuse } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import { announce } from "../replicas/apply-change.js";
import type { AgentRegistry } from "../tunnel/agent-registry.js";

export interface RotationAdminDeps extends AdminHandlerDeps {
  authorities: HubAuthorities;
  store: HubStore;
  registry: AgentRegistry;
}

/** At least this much grace, so an automatic rotation leaves agents time to follow. */
const MIN_GRACE_MS = 60_000;

function toWire(
  authorities: HubAuthorities,
  progress: readonly AgentProgress[],
): CertificateAuthorities {
  const { state, view } = authorities;
  const due = autoStepDueAt(state);
  return {
    phase: state.phase,
    phaseChangedAtUnixMs: state.phaseChangedAt.getTime(),
    activeCaPin: caPin(state.active.certificatePem),
    newCaPin: state.next ? caPin(state.next.certificatePem) : "",
    clientSigningCaPin: view.clientPin,
    serverSigningCaPin: view.pin,
    auto: state.auto !== undefined,
    graceMs: state.auto?.graceMs ?? 0,
    nextStepAtUnixMs: due?.getTime() ?? 0,
    agents: progress.map((agent) => ({
      agentId: agent.agentId,
      clusterName: agent.clusterName,
      connected: agent.connected,
      certificateCaPin: agent.certificatePin,
      trustsNewCa: agent.trustsNew,
      caughtUp: agent.behind === undefined,
      behind: agent.behind ?? "",
    })),
  };
}

/** Refuses to end a rotation (standby) while an agent would be stranded by it. */
export function refuseWhileBehind(progress: readonly AgentProgress[]): void {
  const behind = progress.filter((agent) => agent.behind !== undefined);
  if (behind.length === 0) return;
  const listed = behind
    .slice(0, 5)
    .map((agent) => `${agent.agentId} (cluster ${agent.clusterName}): ${agent.behind ?? ""}`)
    .join("; ");
  const more = behind.length > 5 ? `; and ${String(behind.length - 5)} more` : "";
  throw refuse.precondition(
    RefusalReason.AgentsBehind,
    `${String(behind.length)} agent(s) have not caught up with the CA rotation: ${listed}${more}. ` +
      "Wait for them (warrenctl status), remove agents that are gone (warrenctl agents rm ID), " +
      "or add --force: agents left behind must then have their state reset and join again",
  );
}

function targetOf(request: RotateCertificateAuthorityRequest): RotationPhase {
  if (request.auto) {
    if (request.phase !== "" && request.phase !== "init")
      throw refuse.invalid("--auto starts a rotation: give no --phase, or --phase init");
    if (request.graceMs < MIN_GRACE_MS)
      throw refuse.invalid("--grace must be at least 1m: agents need time to follow each phase");
    return "init";
  }
  if (!isRotationPhase(request.phase)) {
    throw refuse.invalid(
      `"${request.phase}" is not a rotation phase: one of ${ROTATION_PHASES.join(", ")}`,
    );
  }
  return request.phase;
}

export function rotationAdmin(deps: RotationAdminDeps) {
  const progress = () => rotationProgress(deps.authorities, deps.store, deps.registry);
  const rotate: handleUnaryCall<
    RotateCertificateAuthorityRequest,
    RotateCertificateAuthorityResponse
  > = adminHandler(
    deps,
    "RotateCertificateAuthority",
    async (call) => {
      const to = targetOf(call.request);
      if (to === "standby" && !call.request.force) {
        await deps.authorities.reload();
        if (deps.authorities.state.phase !== "standby") refuseWhileBehind(await progress());
      }
      await deps.authorities.rotate(
        to,
        call.request.auto ? { graceMs: call.request.graceMs } : undefined,
      );
      await announce(deps.store, deps.logger, { kind: "authorities" });
      return { authorities: toWire(deps.authorities, await progress()) };
    },
    (request) => ({
      verb: "rotate",
      resource: "certificate_authority",
      name: request.phase || "init",
    }),
  );
  const get: handleUnaryCall<GetCertificateAuthoritiesRequest, GetCertificateAuthoritiesResponse> =
    adminHandler(deps, "GetCertificateAuthorities", async () => {
      await deps.authorities.reload();
      return { authorities: toWire(deps.authorities, await progress()) };
    });
  return { rotateCertificateAuthority: rotate, getCertificateAuthorities: get };
}
