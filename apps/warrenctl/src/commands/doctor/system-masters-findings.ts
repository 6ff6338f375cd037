import { parseRoleDocument, resolveKubeAccess, type Role } from "@warren/rbac";
import type { ClusterInfo, RoleInfo } from "@warren/proto";

import type { Finding } from "./finding.js";

const MASTERS = "system:masters";

/** The roles that would have the agent impersonate system:masters on `cluster`. */
function rolesGrantingMasters(roles: readonly Role[], cluster: ClusterInfo): string[] {
  return roles
    .filter((role) => {
      const access = resolveKubeAccess({ user: "doctor", roles: [role], cluster });
      return access.allowed && access.kubernetesGroups.includes(MASTERS);
    })
    .map((role) => role.name);
}

/**
 * A cluster whose agent may not impersonate system:masters (GKE Autopilot refuses it), yet
 * roles grant it there: their users get 403 on every request.
 */
export function systemMastersFindings(
  clusters: readonly ClusterInfo[],
  roleInfos: readonly RoleInfo[],
): Finding[] {
  const roles = roleInfos.map((info) => parseRoleDocument(info.document, info.name));
  return clusters.flatMap((cluster) => {
    const refused = cluster.agents.some((a) => a.connected && a.health?.systemMastersRefused);
    const granting = refused ? rolesGrantingMasters(roles, cluster) : [];
    if (granting.length === 0) return [];
    return [
      {
        subject: `cluster "${cluster.name}"`,
        problem:
          `it refuses impersonating ${MASTERS} (as GKE Autopilot does), which role(s) ` +
          `${granting.map((r) => `"${r}"`).join(", ")} grant there, so their users get 403`,
        fix:
          "install the agent with --set adminClusterRoleBinding.create=true (a group " +
          '"cluster-admin" bound to the cluster-admin ClusterRole) and give such clusters a ' +
          'label (e.g. platform=autopilot) with a role granting kubernetes_groups: ["cluster-admin"] ' +
          `there, while the ${MASTERS} role excludes them (kubernetes_labels_expression: ` +
          '\'labels["platform"] != "autopilot"\')',
      },
    ];
  });
}
