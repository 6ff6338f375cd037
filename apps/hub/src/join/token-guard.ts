import type { ServerUnaryCall } from "@grpc/grpc-js";
import type { AgentPlacement } from "@warren/proto";
import type { AdminScope } from "@warren/identity";
import type { HubStore, JoinTokenRecord, TokenType } from "@warren/store";

import type { Clock } from "../clock.js";
import type { HubMetrics } from "../metrics/hub-metrics.js";
import { Refusal } from "../errors.js";
import { provisionJoinRecord, type ProvisionTokens } from "../provision/provision-tokens.js";
import {
  ServiceAccountRefusal,
  verifyServiceAccountToken,
  type TokenReviewer,
} from "../provision/service-account-token.js";
import type { JoinRefusals } from "./join-refusals.js";
import { peerAddress, type JoinThrottle } from "./join-throttle.js";
import { findJoinToken } from "./join-token-check.js";

/** The audience ServiceAccount tokens must carry (the hub's name), and who reviews them. */
export interface ServiceAccountJoin {
  audience: string;
  review: TokenReviewer;
}

export interface TokenGuardDeps {
  store: HubStore;
  clock: Clock;
  joinRefusals: JoinRefusals;
  joinThrottle: JoinThrottle;
  provisionTokens: ProvisionTokens;
  serviceAccounts: ServiceAccountJoin;
  metrics?: HubMetrics;
}

export interface TokenCall {
  /** A minted token's secret, or with `provisionToken`, a ServiceAccount token. */
  token: string;
  /** The cluster the caller asks for, if any, for the refusal list. */
  clusterName?: string;
  /** The provision token (join_method: kubernetes) the caller joins by. */
  provisionToken?: string;
  /** Where an agent says it runs, for the refusal list's fixes. */
  placement?: Partial<AgentPlacement> | undefined;
}

/** How a caller proved itself: a minted token's secret, or a ServiceAccount. */
export interface JoinProof {
  /** Provision tokens are rules: a join spends nothing. */
  spendsToken: boolean;
  /** `namespace:name` when a ServiceAccount token proved the caller. */
  serviceAccount?: string;
  /** Admin joins: a narrower scope than a full admin, when the provision token says so. */
  adminScope?: AdminScope;
}

/**
 * Runs a call authenticated by a join token: throttled per caller address, the token found
 * before anything else is believed, each refusal spending one of the address's failures and,
 * for a token this hub knows, noted for warrenctl doctor.
 */
export async function withJoinToken<Request extends TokenCall, Response>(
  deps: TokenGuardDeps,
  call: ServerUnaryCall<Request, Response>,
  type: TokenType,
  body: (token: JoinTokenRecord, peer: string, proof: JoinProof) => Promise<Response>,
): Promise<Response> {
  const peer = peerAddress(call.getPeer());
  const provisionName = call.request.provisionToken ?? "";
  let token: JoinTokenRecord | undefined;
  try {
    deps.joinThrottle.admit(peer, deps.clock.now());
    if (provisionName === "") {
      token = await findJoinToken(deps.store, call.request.token, type);
      return await body(token, peer, { spendsToken: true });
    }
    const stored = await deps.provisionTokens.get(provisionName);
    token = provisionJoinRecord(stored);
    const serviceAccount = await verifyServiceAccountToken(call.request.token, {
      tokenName: provisionName,
      rule: stored.spec.kubernetes,
      audience: deps.serviceAccounts.audience,
      now: deps.clock.now(),
      review: deps.serviceAccounts.review,
    });
    const { adminScope } = stored.spec;
    return await body(token, peer, {
      spendsToken: false,
      serviceAccount,
      ...(adminScope === "full" ? {} : { adminScope }),
    });
  } catch (error) {
    if (error instanceof Refusal) {
      deps.metrics?.joinRefusals.inc({ reason: error.reason });
      deps.joinThrottle.failed(peer, deps.clock.now());
      // A provision token's name is no secret: its refusals are kept only once the cluster's
      // signature proved the caller (see ServiceAccountRefusal).
      const proven = !(error instanceof ServiceAccountRefusal) || error.signed;
      if (token && proven) {
        deps.joinRefusals.record({
          token,
          reason: error.reason,
          message: error.message,
          peer,
          requestedCluster: call.request.clusterName ?? "",
          placement: call.request.placement,
          at: deps.clock.now(),
        });
      }
    }
    throw error;
  }
}
