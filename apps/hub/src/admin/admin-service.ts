import type { AdminServiceServer } from "@warren/proto";

import { listAuditEventsHandler, type AuditAdminDeps } from "./audit-admin.js";
import { reviewAccessHandler } from "./access-review-admin.js";
import { checkClusterHealthHandler } from "./cluster-health-admin.js";
import { getHubInfoHandler } from "./hub-info-admin.js";
import { listJoinRefusalsHandler, type JoinRefusalsAdminDeps } from "./join-refusals-admin.js";
import { clusterAdmin } from "./cluster-admin.js";
import type { ClusterAdminDeps } from "./cluster-infos.js";
import { connectorAdmin, type ConnectorAdminDeps } from "./connector-admin.js";
import { loginAdmin, type LoginAdminDeps } from "./login-admin.js";
import { recordingAdmin, type RecordingAdminDeps } from "./recording-admin.js";
import { provisionTokenAdmin, type ProvisionTokenAdminDeps } from "./provision-token-admin.js";
import { roleAdmin, type RoleAdminDeps } from "./role-admin.js";
import { rotationAdmin, type RotationAdminDeps } from "./rotation-admin.js";
import { tokenAdmin, type TokenAdminDeps } from "./token-admin.js";
import { userAdmin } from "./user-admin.js";
import {
  signUserCertificateHandler,
  type UserCertificateAdminDeps,
} from "./user-certificate-admin.js";

export type AdminServiceDeps = TokenAdminDeps &
  ConnectorAdminDeps &
  ProvisionTokenAdminDeps &
  LoginAdminDeps &
  ClusterAdminDeps &
  RoleAdminDeps &
  UserCertificateAdminDeps &
  AuditAdminDeps &
  JoinRefusalsAdminDeps &
  RotationAdminDeps &
  RecordingAdminDeps;

/** The admin API: every call needs an admin certificate. */
export function createAdminService(deps: AdminServiceDeps): AdminServiceServer {
  const logger = deps.logger.child("admin");
  const scoped = { ...deps, logger };
  return {
    ...tokenAdmin(scoped),
    ...clusterAdmin(scoped),
    ...userAdmin(scoped),
    ...roleAdmin(scoped),
    ...connectorAdmin(scoped),
    ...provisionTokenAdmin(scoped),
    ...loginAdmin(scoped),
    ...rotationAdmin(scoped),
    ...recordingAdmin(scoped),
    signUserCertificate: signUserCertificateHandler(scoped),
    listAuditEvents: listAuditEventsHandler(scoped),
    getHubInfo: getHubInfoHandler(scoped),
    listJoinRefusals: listJoinRefusalsHandler(scoped),
    reviewAccess: reviewAccessHandler(scoped),
    checkClusterHealth: checkClusterHealthHandler(scoped),
  };
}
