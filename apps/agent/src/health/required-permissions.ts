import { AuthorizationV1Api, type KubeConfig } from "@kubernetes/client-node";
import { errorFields, type Logger } from "@warren/log";

/** What the agent needs from its cluster to serve the hub, checked as the agent itself. */
export const REQUIRED_PERMISSIONS = [
  { verb: "impersonate", resource: "users" },
  { verb: "impersonate", resource: "groups" },
  { verb: "impersonate", resource: "serviceaccounts" },
  { verb: "get", resource: "pods" },
] as const;

export interface PermissionReport {
  /** "verb resource" of each permission the API server denied. */
  missing: string[];
}

const describe = (p: (typeof REQUIRED_PERMISSIONS)[number]) => `${p.verb} ${p.resource}`;

/** Asks the API server (SelfSubjectAccessReview) for each required permission, cluster-wide. */
export async function checkPermissions(kubeConfig: KubeConfig): Promise<PermissionReport> {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  const answers = await Promise.all(
    REQUIRED_PERMISSIONS.map(async (permission) => {
      const review = await api.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { group: "", ...permission } } },
      });
      return { permission, allowed: review.status?.allowed === true };
    }),
  );
  return { missing: answers.filter((a) => !a.allowed).map((a) => describe(a.permission)) };
}

/** Checks once and logs the outcome: what is missing and the fix, or that all is there. */
export async function logPermissionCheck(kubeConfig: KubeConfig, logger: Logger): Promise<void> {
  try {
    const { missing } = await checkPermissions(kubeConfig);
    if (missing.length === 0) {
      logger.info({ checked: REQUIRED_PERMISSIONS.map(describe) }, "permissions checked");
    } else {
      logger.warn(
        {
          missing,
          fix:
            "bind the agent's ServiceAccount to a ClusterRole granting these (the Helm chart's " +
            "rbac.create=true does)",
        },
        "missing permissions: requests through the hub will fail",
      );
    }
  } catch (error) {
    logger.warn(errorFields(error), "cannot check permissions (SelfSubjectAccessReview failed)");
  }
}
