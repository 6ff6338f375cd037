import { describe, expect, it } from "vitest";

import { resolveKubeAccess, type KubeAccessRequest } from "./kube-access.js";
import type { Role, RoleConditions } from "./role-document.js";

const none: RoleConditions = {
  kubernetesLabels: {},
  kubernetesGroups: [],
  kubernetesUsers: [],
  kubernetesResources: [],
};
const role = (
  name: string,
  allow: Partial<RoleConditions>,
  deny: Partial<RoleConditions> = {},
): Role => ({
  name,
  allow: { ...none, ...allow },
  deny: { ...none, ...deny },
});

const dev = role(
  "dev",
  { kubernetesLabels: { env: ["dev", "staging"] }, kubernetesGroups: ["developers", "viewers"] },
  { kubernetesGroups: ["system:masters"] },
);
const admin = role("admin", {
  kubernetesLabels: { "*": ["*"] },
  kubernetesGroups: ["system:masters", "admins"],
});
const request = (overrides: Partial<KubeAccessRequest>): KubeAccessRequest => ({
  user: "alice",
  roles: [dev],
  cluster: { name: "one", labels: { env: "dev" } },
  ...overrides,
});

describe("resolveKubeAccess", () => {
  it("grants every group of the matching roles, as the Warren user", () => {
    expect(resolveKubeAccess(request({}))).toEqual({
      allowed: true,
      kubernetesUser: "alice",
      kubernetesGroups: ["developers", "viewers"],
      roles: ["dev"],
    });
  });

  it("narrows to requested groups and refuses any other", () => {
    const narrowed = resolveKubeAccess(request({ requestedGroups: ["viewers"] }));
    expect(narrowed).toMatchObject({ allowed: true, kubernetesGroups: ["viewers"] });
    const escalated = resolveKubeAccess(request({ requestedGroups: ["system:masters"] }));
    expect(escalated).toMatchObject({ allowed: false, denial: "group_not_allowed" });
  });

  it("applies deny groups from any role, even over another role's allow", () => {
    const access = resolveKubeAccess(request({ roles: [dev, admin] }));
    expect(access).toMatchObject({
      allowed: true,
      kubernetesGroups: ["admins", "developers", "viewers"],
    });
  });

  it("refuses an --as outside the allowed users, with what is allowed", () => {
    const access = resolveKubeAccess(request({ requestedUser: "bob" }));
    expect(access).toMatchObject({ allowed: false, denial: "user_not_allowed" });
    expect(access.allowed || access.reason).toMatch(/allow "alice"/);
  });

  it("asks to choose when roles allow several users", () => {
    const two = role("two", { kubernetesLabels: { env: ["dev"] }, kubernetesUsers: ["a", "b"] });
    expect(resolveKubeAccess(request({ roles: [two] }))).toMatchObject({
      denial: "ambiguous_user",
    });
    expect(resolveKubeAccess(request({ roles: [two], requestedUser: "b" }))).toMatchObject({
      allowed: true,
      kubernetesUser: "b",
    });
  });

  it.each([
    ["no roles", { roles: [] }, "no_roles"],
    ["no matching labels", { cluster: { name: "p", labels: { env: "prod" } } }, "no_matching_role"],
    [
      "a role that grants nothing",
      { roles: [role("empty", { kubernetesLabels: { env: ["dev"] } })] },
      "nothing_granted",
    ],
    [
      "deny labels",
      { roles: [dev, role("block", {}, { kubernetesLabels: { env: ["dev"] } })] },
      "denied_by_role",
    ],
  ] as const)("denies with %s", (_name, overrides, denial) => {
    const access = resolveKubeAccess(request(overrides));
    expect(access).toMatchObject({ allowed: false, denial });
    // A refusal tells the user nothing about a cluster they cannot reach: not its labels.
    expect(access.allowed || access.reason).not.toMatch(/prod|env/);
  });

  it("needs both labels and expression to match", () => {
    const autopilot = role("nap", {
      kubernetesLabels: { env: ["*"] },
      kubernetesLabelsExpression: 'labels["tier"] != "autopilot"',
      kubernetesGroups: ["g"],
    });
    const on = (labels: Record<string, string>) =>
      resolveKubeAccess(request({ roles: [autopilot], cluster: { name: "c", labels } })).allowed;
    expect(on({ env: "x" })).toBe(true);
    expect(on({ env: "x", tier: "autopilot" })).toBe(false);
    expect(on({ tier: "standard" })).toBe(false);
  });
});
