import type { handleUnaryCall } from "@grpc/grpc-js";
import { IdentityError, validateClusterName } from "@warren/identity";
import type { Logger } from "@warren/log";
import { caPin } from "@warren/pki";
import type { ReportPinMismatchRequest, ReportPinMismatchResponse } from "@warren/proto";

import type { HubAuthorities } from "../ca/hub-authorities.js";
import type { Clock } from "../clock.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import type { JoinRefusals } from "./join-refusals.js";
import { peerAddress, type JoinThrottle } from "./join-throttle.js";

const PIN = /^sha256:[0-9a-f]{64}$/;

export interface PinMismatchDeps {
  authorities: HubAuthorities;
  joinRefusals: JoinRefusals;
  joinThrottle: JoinThrottle;
  clock: Clock;
  logger: Logger;
}

/** A report worth keeping: a cluster name, and a well-formed pin that is none of this hub's. */
function worthKeeping(request: ReportPinMismatchRequest, hubPins: readonly string[]): boolean {
  try {
    validateClusterName(request.clusterName);
  } catch (error) {
    if (error instanceof IdentityError) return false;
    throw error;
  }
  return PIN.test(request.pinnedCaPin) && !hubPins.includes(request.pinnedCaPin);
}

/**
 * ReportPinMismatch: an agent that pins another CA says so, with no token, so this hub's doctor
 * can name agents a recreated hub stranded. Nobody is authenticated here: the report is throttled
 * like a failed join, bounded, and listed as the caller's word. The answer is the same whether it
 * was kept or not.
 */
export function reportPinMismatchHandler(
  deps: PinMismatchDeps,
): handleUnaryCall<ReportPinMismatchRequest, ReportPinMismatchResponse> {
  return unaryHandler(deps.logger, "ReportPinMismatch", (call) => {
    const peer = peerAddress(call.getPeer());
    const now = deps.clock.now();
    deps.joinThrottle.admit(peer, now);
    deps.joinThrottle.failed(peer, now);
    const hubPins = deps.authorities.view.trusted.map(caPin);
    if (worthKeeping(call.request, hubPins)) {
      deps.joinRefusals.recordPinMismatch({ ...call.request, peer, at: now });
      deps.logger.warn(
        { cluster: call.request.clusterName, pinnedCaPin: call.request.pinnedCaPin, peer },
        "an agent pinned to another CA will not join this hub (its own report)",
      );
    }
    return Promise.resolve({});
  });
}
