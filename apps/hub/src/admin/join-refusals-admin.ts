import type { handleUnaryCall } from "@grpc/grpc-js";
import type { ListJoinRefusalsRequest, ListJoinRefusalsResponse } from "@warren/proto";

import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import type { JoinRefusals } from "../join/join-refusals.js";

export interface JoinRefusalsAdminDeps extends AdminHandlerDeps {
  joinRefusals: JoinRefusals;
}

export function listJoinRefusalsHandler(
  deps: JoinRefusalsAdminDeps,
): handleUnaryCall<ListJoinRefusalsRequest, ListJoinRefusalsResponse> {
  return adminHandler(deps, "ListJoinRefusals", () => {
    return Promise.resolve({ refusals: deps.joinRefusals.list() });
  });
}
