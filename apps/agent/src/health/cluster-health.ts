import { parseKubeStatus } from "@warren/kube";
import { HealthState, type ClusterHealth } from "@warren/proto";

import type { UpstreamClient } from "../proxy/upstream-request.js";
import { ownRequest } from "./own-request.js";
import { REQUIRED_PERMISSIONS } from "./required-permissions.js";

const SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const FIX_RBAC =
  "bind the agent's ServiceAccount to a ClusterRole granting them (the kube-agent chart's " +
  "rbac.create=true does: impersonate users, groups and serviceaccounts; get pods)";

const health = (
  state: HealthState,
  reason: string,
  more: Partial<ClusterHealth> = {},
): ClusterHealth => ({
  state,
  reason,
  missingPermissions: [],
  systemMastersRefused: false,
  statusCode: 0,
  detail: "",
  checkedAtUnixMs: Date.now(),
  ...more,
});

/** A Status's message, or the body's first line, for a reason a person reads. */
const gist = (body: string): string =>
  parseKubeStatus(body)?.message ?? body.split("\n")[0]?.slice(0, 200) ?? "";

type PermissionAnswers = { missing: string[] } | { failed: string; statusCode: number };

type Review = { allowed: boolean } | { failed: string; statusCode: number };

/** One SelfSubjectAccessReview as the agent. */
async function review(
  upstream: UpstreamClient,
  attributes: Record<string, string>,
): Promise<Review> {
  const answer = await ownRequest(upstream, "POST", SSAR_PATH, {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { group: "", ...attributes } },
  });
  if (answer.status !== 201 && answer.status !== 200)
    return { failed: gist(answer.body), statusCode: answer.status };
  const status = (JSON.parse(answer.body) as { status?: { allowed?: boolean } }).status;
  return { allowed: status?.allowed === true };
}

/**
 * All reviews at once: one check then reads RBAC at (nearly) one moment, so a binding made or
 * removed meanwhile rarely shows as half of the permissions.
 */
async function reviewPermissions(upstream: UpstreamClient): Promise<PermissionAnswers> {
  const answers = await Promise.all(REQUIRED_PERMISSIONS.map((p) => review(upstream, p)));
  const missing: string[] = [];
  for (const [i, answer] of answers.entries()) {
    if ("failed" in answer) return answer;
    const permission = REQUIRED_PERMISSIONS[i];
    if (!answer.allowed && permission) missing.push(`${permission.verb} ${permission.resource}`);
  }
  return { missing };
}

/** Whether impersonating system:masters in particular is refused (GKE Autopilot's policy). */
async function systemMastersRefused(upstream: UpstreamClient): Promise<boolean> {
  const answer = await review(upstream, {
    verb: "impersonate",
    resource: "groups",
    name: "system:masters",
  }).catch(() => ({ allowed: true }));
  return "allowed" in answer && !answer.allowed;
}

/**
 * The cluster's health as this agent sees it: /readyz of its API server, then whether it has
 * each permission serving the hub takes. Never rejects: every failure is a state.
 */
export async function checkClusterHealth(upstream: UpstreamClient): Promise<ClusterHealth> {
  const server = upstream.target.url.origin;
  let readyz;
  try {
    readyz = await ownRequest(upstream, "GET", "/readyz");
  } catch (error) {
    const message = (error as Error).message;
    return health(
      HealthState.HEALTH_STATE_CANNOT_CONTACT,
      `cannot contact the Kubernetes API server at ${server}: ${message}`,
      { detail: message },
    );
  }
  if (readyz.status !== 200) {
    const verbose = await ownRequest(upstream, "GET", "/readyz?verbose").catch(() => readyz);
    return health(
      HealthState.HEALTH_STATE_UNHEALTHY_STATUS,
      `the Kubernetes API server at ${server} is not ready: /readyz answered ${readyz.status}`,
      { statusCode: readyz.status, detail: verbose.body.trim() },
    );
  }
  let answers: PermissionAnswers;
  try {
    answers = await reviewPermissions(upstream);
  } catch (error) {
    answers = { failed: (error as Error).message, statusCode: 0 };
  }
  if ("failed" in answers) {
    return health(
      HealthState.HEALTH_STATE_CANNOT_CHECK_PERMISSIONS,
      `cannot check the agent's permissions: SelfSubjectAccessReview failed` +
        `${answers.statusCode ? ` with ${answers.statusCode}` : ""} (${answers.failed}); ` +
        "the agent needs create on selfsubjectaccessreviews (authorization.k8s.io)",
      { statusCode: answers.statusCode, detail: answers.failed },
    );
  }
  if (answers.missing.length > 0) {
    return health(
      HealthState.HEALTH_STATE_MISSING_PERMISSIONS,
      `the agent lacks ${answers.missing.join(", ")}: ${FIX_RBAC}`,
      { missingPermissions: answers.missing },
    );
  }
  return health(
    HealthState.HEALTH_STATE_HEALTHY,
    "healthy: /readyz is ok and every permission is granted",
    { systemMastersRefused: await systemMastersRefused(upstream) },
  );
}
