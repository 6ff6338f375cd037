import { parseRoleDocument, resolveKubeAccess } from "@warren/rbac";
import type { AccessQuestion, ClusterInfo, RoleInfo } from "@warren/proto";

import type { HubConnection } from "../../hub-connection.js";
import type { Finding } from "./finding.js";

/** Whom doctor asks as: the Kubernetes user a role names, else this placeholder. */
const PROBE_USER = "warren-doctor";

const exec = (verb: string, namespace: string): AccessQuestion => ({
  verb,
  resource: "pods",
  subresource: "exec",
  namespace,
  group: "",
});

/**
 * Roles whose Kubernetes identity may `create` pods/exec but not `get` it, in `namespace`:
 * kubectl 1.30 and later open exec over WebSocket, an HTTP GET, so RBAC needs both.
 */
export async function execRbacFindings(
  hub: HubConnection,
  clusters: readonly ClusterInfo[],
  roleInfos: readonly RoleInfo[],
  namespace: string,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const cluster of clusters.filter((c) => c.agents.some((a) => a.connected))) {
    for (const info of roleInfos) {
      const role = parseRoleDocument(info.document, info.name);
      const access = resolveKubeAccess({ user: PROBE_USER, roles: [role], cluster });
      if (!access.allowed) continue;
      const allowed = await hub
        .call(hub.admin.reviewAccess.bind(hub.admin), {
          cluster: cluster.name,
          kubernetesUser: access.kubernetesUser,
          kubernetesGroups: access.kubernetesGroups,
          questions: [exec("create", namespace), exec("get", namespace)],
        })
        // A cluster that refuses the identity outright (Autopilot and system:masters) has
        // its own finding; there is no RBAC to read here.
        .then(
          (answer) => answer.allowed,
          () => [],
        );
      if (allowed[0] !== true || allowed[1] === true) continue;
      findings.push({
        subject: `cluster "${cluster.name}", role "${role.name}"`,
        problem:
          `its groups (${access.kubernetesGroups.join(", ") || "none"}) may create pods/exec in ` +
          `namespace ${namespace} but not get it: kubectl 1.30 and later exec over WebSocket, an ` +
          "HTTP GET, and clients that cannot fall back to SPDY are refused",
        fix:
          'add "get" beside "create" for pods/exec in the Kubernetes Role or ClusterRole bound ' +
          'to those groups: - apiGroups: [""]  resources: ["pods/exec"]  verbs: ["create", "get"]',
      });
    }
  }
  return findings;
}
