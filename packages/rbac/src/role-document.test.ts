import { describe, expect, it } from "vitest";

import { RbacError } from "./errors.js";
import { parseRoleDocument } from "./role-document.js";
import { applyTraits } from "./role-traits.js";

const DEV_ROLE = `kind: role
metadata: { name: dev }
spec:
  allow:
    kubernetes_labels: { env: ["dev", "staging"], team: "*" }
    kubernetes_labels_expression: 'labels["tier"] != "autopilot"'
    kubernetes_groups: ["developers"]
    kubernetes_users: []
  deny:
    kubernetes_groups: ["system:masters"]
`;

function problemOf(text: string): string {
  try {
    parseRoleDocument(text, "role.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(RbacError);
    return (error as Error).message;
  }
  throw new Error("expected the role to be refused");
}

describe("parseRoleDocument", () => {
  it("reads the documented example", () => {
    expect(parseRoleDocument(DEV_ROLE)).toEqual({
      name: "dev",
      allow: {
        kubernetesLabels: { env: ["dev", "staging"], team: ["*"] },
        kubernetesLabelsExpression: 'labels["tier"] != "autopilot"',
        kubernetesGroups: ["developers"],
        kubernetesUsers: [],
        kubernetesResources: [],
      },
      deny: {
        kubernetesLabels: {},
        kubernetesGroups: ["system:masters"],
        kubernetesUsers: [],
        kubernetesResources: [],
      },
    });
  });

  it("names the line of an unknown field", () => {
    const text = DEV_ROLE.replace("kubernetes_users: []", "kubernetes_user: []");
    expect(problemOf(text)).toMatch(/line 8: spec\.allow\.kubernetes_user: unknown field/);
  });

  it("names the line and reason of a bad regex", () => {
    const text = DEV_ROLE.replace('"staging"', '"^(unclosed$"');
    expect(problemOf(text)).toMatch(/line 5: spec\.allow\.kubernetes_labels\.env: bad regex/);
  });

  it("names the line and column of a bad expression", () => {
    const text = DEV_ROLE.replace('!= "autopilot"', '=! "autopilot"');
    expect(problemOf(text)).toMatch(
      /line 6: spec\.allow\.kubernetes_labels_expression: unexpected '='.* at column 16/,
    );
  });

  it("refuses another kind, a missing name, and invalid YAML", () => {
    expect(problemOf("kind: user\nmetadata: {name: x}\n")).toMatch(/line 1: kind: must be "role"/);
    expect(problemOf("kind: role\nspec: {}\n")).toMatch(/metadata\.name: required/);
    expect(problemOf("kind: role\n  bad: [\n")).toMatch(/not valid YAML/);
  });
});

describe("role templates and options", () => {
  it("reads max_session_ttl and notes templated groups and users", () => {
    const role = parseRoleDocument(
      [
        "kind: role",
        "metadata: { name: sso }",
        "spec:",
        "  options: { max_session_ttl: 2h }",
        "  allow:",
        '    kubernetes_groups: ["{{external.groups}}"]',
        '    kubernetes_users: ["{{email.local(external.email)}}"]',
      ].join("\n"),
    );
    expect(role.maxSessionTtlMs).toBe(7_200_000);
    expect(role.templated).toBe(true);
    expect(applyTraits(role, { groups: ["a"], email: ["al@x.org"] }).allow.kubernetesUsers).toEqual(
      ["al"],
    );
  });

  it("says which template or duration is wrong, by line", () => {
    expect(() =>
      parseRoleDocument(
        [
          "kind: role",
          "metadata: { name: bad }",
          "spec:",
          "  options: { max_session_ttl: soon }",
          "  allow:",
          '    kubernetes_groups: ["{{internal.logins}}"]',
        ].join("\n"),
      ),
    ).toThrow(/line 4: spec.options.max_session_ttl: .*\n.*line 6: spec.allow.kubernetes_groups/);
  });

  it("reads record_sessions, and only as true or false", () => {
    const role = (value: string) =>
      parseRoleDocument(
        `kind: role\nmetadata: { name: r }\nspec:\n  options: { record_sessions: ${value} }\n`,
      );
    expect(role("false").recordSessions).toBe(false);
    expect(role("true").recordSessions).toBe(true);
    const admin = parseRoleDocument(
      "kind: role\nmetadata: { name: r }\nspec:\n  options: { console_admin: true }\n",
    );
    expect(admin.consoleAdmin).toBe(true);
    expect(parseRoleDocument("kind: role\nmetadata: { name: r }\n").recordSessions).toBeUndefined();
    expect(() => role('"no"')).toThrow(
      /line 4: spec.options.record_sessions: expected true or false/,
    );
  });
});
