import { describe, expect, it } from "vitest";

import { resolveKubeAccess, type KubeAccess } from "./kube-access.js";
import type { KubeResourceRequest } from "./resource-rules.js";
import { parseRoleDocument, type Role } from "./role-document.js";

const role = (name: string, allow: string, deny = ""): Role =>
  parseRoleDocument(
    `kind: role\nmetadata: { name: ${name} }\nspec:\n  allow:\n    kubernetes_labels: { "*": "*" }\n${allow}\n${deny ? `  deny:\n${deny}\n` : ""}`,
  );

const pods = role(
  "pods",
  `    kubernetes_groups: [pod-people]
    kubernetes_resources:
      - { kind: pods, api_group: "", namespace: "dev-*", name: "*", verbs: [get, list, watch, exec] }
      - { kind: deployments, api_group: apps, namespace: "^team-(a|b)$", name: "*", verbs: ["*"] }`,
);
const everything = role("everything", "    kubernetes_groups: [viewers]");

const req = (over: Partial<KubeResourceRequest>): KubeResourceRequest => ({
  verb: "get",
  kind: "pods",
  apiGroup: "",
  namespace: "dev-1",
  name: "web",
  ...over,
});

function access(roles: Role[], resource: KubeResourceRequest): KubeAccess {
  return resolveKubeAccess({
    user: "alice",
    roles,
    cluster: { name: "one", labels: {} },
    resource,
  });
}

const allowed = (a: KubeAccess) => (a.allowed ? a : expect.fail(a.reason));

describe("kubernetes_resources", () => {
  it("allows what a rule names, by glob and by regex, with the rule's verbs only", () => {
    expect(access([pods], req({})).allowed).toBe(true);
    expect(access([pods], req({ verb: "exec" })).allowed).toBe(true);
    expect(
      access(
        [pods],
        req({ kind: "deployments", apiGroup: "apps", namespace: "team-b", verb: "delete" }),
      ).allowed,
    ).toBe(true);
    expect(
      access([pods], req({ kind: "deployments", apiGroup: "apps", namespace: "team-c" })).allowed,
    ).toBe(false);
    const refused = access([pods], req({ verb: "delete" }));
    expect(refused).toMatchObject({ allowed: false, denial: "resource_not_allowed" });
    expect(refused.allowed ? "" : refused.reason).toContain(
      'no kubernetes_resources rule of roles "pods" allows delete pods "web" in namespace "dev-1"',
    );
    expect(refused.allowed ? "" : refused.reason).toContain(
      "pods in dev-* [get, list, watch, exec]",
    );
  });

  it("refuses another namespace, another API group and a portforward the rules leave out", () => {
    expect(access([pods], req({ namespace: "prod" })).allowed).toBe(false);
    expect(access([pods], req({ apiGroup: "metrics.k8s.io" })).allowed).toBe(false);
    expect(access([pods], req({ verb: "portforward" })).allowed).toBe(false);
  });

  it("lends a request only the groups of the roles whose rules admit it", () => {
    const inDev = allowed(access([pods, everything], req({})));
    expect(inDev.kubernetesGroups).toEqual(["pod-people", "viewers"]);
    const elsewhere = allowed(access([pods, everything], req({ namespace: "prod" })));
    expect(elsewhere.kubernetesGroups).toEqual(["viewers"]);
  });

  it("filters a list across namespaces to the namespaces a rule names", () => {
    const list = allowed(access([pods], req({ verb: "list", namespace: "", name: "" })));
    expect(list.filter?.("dev-1", "a")).toBe(true);
    expect(list.filter?.("prod", "a")).toBe(false);
    const inside = allowed(access([pods], req({ verb: "watch", name: "" })));
    expect(inside.filter).toBeUndefined();
    expect(access([pods], req({ verb: "list", namespace: "prod", name: "" })).allowed).toBe(false);
  });

  it("lets deny rules win: over a whole request, and object by object in a list", () => {
    const guarded = role(
      "guarded",
      "    kubernetes_groups: [viewers]",
      `    kubernetes_resources:\n      - { kind: secrets, api_group: "", namespace: kube-system, verbs: ["*"] }`,
    );
    const secret = req({ kind: "secrets", namespace: "kube-system", name: "token" });
    expect(access([guarded], secret)).toMatchObject({
      allowed: false,
      denial: "resource_not_allowed",
    });
    expect(access([guarded], { ...secret, namespace: "default" }).allowed).toBe(true);
    const list = allowed(access([guarded], { ...secret, verb: "list", namespace: "", name: "" }));
    expect(list.filter?.("kube-system", "x")).toBe(false);
    expect(list.filter?.("default", "x")).toBe(true);
    // A create cannot be filtered and its name is in the body: a deny that may cover it wins.
    expect(access([guarded], { ...secret, verb: "create", name: "" }).allowed).toBe(false);
  });

  it("never lets a collection write by a rule that names only some objects", () => {
    const named = role(
      "named",
      `    kubernetes_groups: [g]\n    kubernetes_resources:\n      - { kind: pods, api_group: "", namespace: "dev", name: "web-*", verbs: ["*"] }`,
    );
    expect(
      access([named], req({ verb: "deletecollection", namespace: "dev", name: "" })).allowed,
    ).toBe(false);
    expect(access([named], req({ verb: "delete", namespace: "dev", name: "web-1" })).allowed).toBe(
      true,
    );
  });

  it("reads a namespace rule as naming the namespaces themselves", () => {
    const ns = role(
      "ns",
      `    kubernetes_groups: [g]\n    kubernetes_resources:\n      - { kind: namespaces, api_group: "", namespace: "dev-*", verbs: [get, list] }`,
    );
    const get = req({ kind: "namespaces", namespace: "dev-1", name: "dev-1" });
    expect(access([ns], get).allowed).toBe(true);
    expect(access([ns], { ...get, namespace: "prod", name: "prod" }).allowed).toBe(false);
    const list = allowed(access([ns], { ...get, verb: "list", namespace: "", name: "" }));
    expect(list.filter?.("", "dev-2")).toBe(true);
    expect(list.filter?.("", "prod")).toBe(false);
  });

  it("refuses a role whose rules lack api_group or name an unknown verb, with the line", () => {
    expect(() =>
      role("bad", `    kubernetes_resources:\n      - { kind: pods, verbs: [read] }`),
    ).toThrow(
      /line 7: spec\.allow\.kubernetes_resources\.0\.verbs: unknown verb "read"[\s\S]*line 7: spec\.allow\.kubernetes_resources\.0\.api_group: required/,
    );
  });
});
