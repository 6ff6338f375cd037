import type { AdminServiceServer } from "@warren/proto";

import { clusterAdmin, type ClusterAdminDeps } from "./cluster-admin.js";
import { tokenAdmin, type TokenAdminDeps } from "./token-admin.js";

export type AdminServiceDeps = TokenAdminDeps & ClusterAdminDeps;

/** The admin API: every call needs an admin certificate. */
export function createAdminService(deps: AdminServiceDeps): AdminServiceServer {
  const logger = deps.logger.child("admin");
  return { ...tokenAdmin({ ...deps, logger }), ...clusterAdmin({ ...deps, logger }) };
}
