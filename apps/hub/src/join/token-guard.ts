import type { ServerUnaryCall } from "@grpc/grpc-js";
import type { HubStore, JoinTokenRecord, TokenType } from "@warren/store";

import type { Clock } from "../clock.js";
import type { HubMetrics } from "../metrics/hub-metrics.js";
import { Refusal } from "../errors.js";
import type { JoinRefusals } from "./join-refusals.js";
import { peerAddress, type JoinThrottle } from "./join-throttle.js";
import { findJoinToken } from "./join-token-check.js";

export interface TokenGuardDeps {
  store: HubStore;
  clock: Clock;
  joinRefusals: JoinRefusals;
  joinThrottle: JoinThrottle;
  metrics?: HubMetrics;
}

export interface TokenCall {
  token: string;
  /** The cluster the caller asks for, if any, for the refusal list. */
  clusterName?: string;
}

/**
 * Runs a call authenticated by a join token: throttled per caller address, the token found
 * before anything else is believed, each refusal spending one of the address's failures and,
 * for a token this hub minted, noted for warrenctl doctor.
 */
export async function withJoinToken<Request extends TokenCall, Response>(
  deps: TokenGuardDeps,
  call: ServerUnaryCall<Request, Response>,
  type: TokenType,
  body: (token: JoinTokenRecord, peer: string) => Promise<Response>,
): Promise<Response> {
  const peer = peerAddress(call.getPeer());
  let token: JoinTokenRecord | undefined;
  try {
    deps.joinThrottle.admit(peer, deps.clock.now());
    token = await findJoinToken(deps.store, call.request.token, type);
    return await body(token, peer);
  } catch (error) {
    if (error instanceof Refusal) {
      deps.metrics?.joinRefusals.inc({ reason: error.reason });
      deps.joinThrottle.failed(peer, deps.clock.now());
      if (token) {
        deps.joinRefusals.record({
          token,
          reason: error.reason,
          message: error.message,
          peer,
          requestedCluster: call.request.clusterName ?? "",
          at: deps.clock.now(),
        });
      }
    }
    throw error;
  }
}
