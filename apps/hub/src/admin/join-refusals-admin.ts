import type { handleUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "@warren/log";
import type { ListJoinRefusalsRequest, ListJoinRefusalsResponse } from "@warren/proto";

import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import type { JoinRefusals } from "../join/join-refusals.js";

export interface JoinRefusalsAdminDeps {
  joinRefusals: JoinRefusals;
  authenticator: PeerAuthenticator;
  logger: Logger;
}

export function listJoinRefusalsHandler(
  deps: JoinRefusalsAdminDeps,
): handleUnaryCall<ListJoinRefusalsRequest, ListJoinRefusalsResponse> {
  return unaryHandler(deps.logger, "ListJoinRefusals", (call) => {
    deps.authenticator.admin(call);
    return Promise.resolve({ refusals: deps.joinRefusals.list() });
  });
}
