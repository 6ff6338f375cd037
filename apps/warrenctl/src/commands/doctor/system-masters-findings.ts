import { DetectedLabel } from "@warren/identity";
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

const AUTOPILOT_EXPRESSION = `labels["${DetectedLabel.GkeAutopilot}"] != "true"`;

/** Why the cluster refuses system:masters, as doctor knows it. */
function refusalOf(cluster: ClusterInfo): string | undefined {
  if (cluster.labels[DetectedLabel.GkeAutopilot] === "true")
    return `it is GKE Autopilot (its agent detected ${DetectedLabel.GkeAutopilot}=true), which refuses impersonating ${MASTERS}`;
  if (cluster.agents.some((a) => a.connected && a.health?.systemMastersRefused))
    return `it refuses impersonating ${MASTERS} (as GKE Autopilot does)`;
  return undefined;
}

/**
 * A cluster that will not let its agent impersonate system:masters (GKE Autopilot, by its
 * detected label or by what its agent was told), yet roles grant it there: their users get
 * 403 on every request.
 */
export function systemMastersFindings(
  clusters: readonly ClusterInfo[],
  roleInfos: readonly RoleInfo[],
): Finding[] {
  const roles = roleInfos.map((info) => parseRoleDocument(info.document, info.name));
  return clusters.flatMap((cluster) => {
    const refusal = refusalOf(cluster);
    const granting = refusal ? rolesGrantingMasters(roles, cluster) : [];
    if (granting.length === 0) return [];
    return [
      {
        subject: `cluster "${cluster.name}"`,
        problem:
          `${refusal ?? ""}, which role(s) ` +
          `${granting.map((r) => `"${r}"`).join(", ")} grant there, so their users get 403`,
        fix:
          'give such clusters a role granting kubernetes_groups: ["cluster-admin"] (a group the ' +
          "agent chart binds to the cluster-admin ClusterRole by itself on GKE, and with " +
          "--set adminClusterRoleBinding.create=true elsewhere), and keep the " +
          `${MASTERS} role(s) off them: kubernetes_labels_expression: '${AUTOPILOT_EXPRESSION}'`,
      },
    ];
  });
}
