import { parse } from "yaml";
import { describe, expect, it } from "vitest";

import { mergeKubeconfig } from "./merge-kubeconfig.js";

const OTHER = `apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster: { server: https://prod.example:6443 }
users:
  - name: prod-admin
    user: { token: secret }
contexts:
  - name: prod
    context: { cluster: prod, user: prod-admin }
current-context: prod
preferences: { colors: true }
`;

const entry = (server: string) => ({
  name: "hub-one",
  cluster: { server },
  user: { exec: { command: "warren" } },
});

describe("mergeKubeconfig", () => {
  it("adds the entry beside others, makes it current, and replaces it by name later", () => {
    const once = mergeKubeconfig(OTHER, entry("https://a"));
    const twice = parse(mergeKubeconfig(once, entry("https://b"))) as Record<string, unknown>;
    expect(twice["current-context"]).toBe("hub-one");
    expect(twice.preferences).toEqual({ colors: true });
    expect(twice.clusters).toEqual([
      { name: "prod", cluster: { server: "https://prod.example:6443" } },
      { name: "hub-one", cluster: { server: "https://b" } },
    ]);
    expect(twice.users).toEqual([
      { name: "prod-admin", user: { token: "secret" } },
      { name: "hub-one", user: { exec: { command: "warren" } } },
    ]);
    expect((twice.contexts as unknown[]).length).toBe(2);
  });

  it("starts a kubeconfig from nothing and refuses to overwrite what is not one", () => {
    const fresh = parse(mergeKubeconfig("", entry("https://a"))) as Record<string, unknown>;
    expect(fresh.kind).toBe("Config");
    expect(() => mergeKubeconfig("- a list", entry("https://a"))).toThrow("not a kubeconfig");
    expect(() => mergeKubeconfig("clusters: 3", entry("https://a"))).toThrow(
      "clusters is not a list",
    );
  });
});
