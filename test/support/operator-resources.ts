import { parse } from "yaml";

import type { TestCluster } from "../k8s/index.js";
import { eventually } from "./eventually.js";
import type { TestHub } from "./test-hub.js";

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface HubRole {
  name: string;
  document: string;
  labels: Record<string, string>;
}

export interface HubUser {
  name: string;
  roles: string[];
  origin: string;
}

/** Custom resources in the operator's namespace, and what the hub holds of them. */
export class OperatorResources {
  constructor(
    private readonly cluster: TestCluster,
    private readonly namespace: string,
    private readonly hub: TestHub,
  ) {}

  apply(yaml: string) {
    return this.cluster.kubectl(["apply", "-n", this.namespace, "-f", "-"], undefined, {
      input: yaml,
    });
  }

  async resource(kind: string, name: string): Promise<Record<string, unknown> | undefined> {
    const got = await this.cluster.kubectl(["get", kind, name, "-n", this.namespace, "-o", "json"]);
    return got.exitCode === 0 ? (JSON.parse(got.stdout) as Record<string, unknown>) : undefined;
  }

  async conditionOf(kind: string, name: string, type: string): Promise<Condition | undefined> {
    const status = (await this.resource(kind, name))?.status as
      { conditions?: Condition[] } | undefined;
    return status?.conditions?.find((c) => c.type === type);
  }

  /** Waits until the CR's condition has this status (and reason); returns it. */
  condition(kind: string, name: string, type: string, status: string, reason?: string) {
    return eventually(
      async () => {
        const found = await this.conditionOf(kind, name, type);
        return (
          found?.status === status && (reason === undefined || found.reason === reason) && found
        );
      },
      { description: `${kind}/${name} ${type}=${status}${reason ? ` (${reason})` : ""}` },
    );
  }

  async hubRoles(): Promise<HubRole[]> {
    return JSON.parse(
      (await this.hub.warrenctl("roles", "ls", "--format", "json")).stdout,
    ) as HubRole[];
  }

  async hubRole(name: string): Promise<HubRole | undefined> {
    return (await this.hubRoles()).find((r) => r.name === name);
  }

  async hubUsers(): Promise<HubUser[]> {
    return JSON.parse(
      (await this.hub.warrenctl("users", "ls", "--format", "json")).stdout,
    ) as HubUser[];
  }
}

export const groupsOf = (role: HubRole | undefined) =>
  (parse(role?.document ?? "{}") as { spec?: { allow?: { kubernetes_groups?: string[] } } }).spec
    ?.allow?.kubernetes_groups;

export const roleYaml = (name: string, groups: string[], extra = "") =>
  `apiVersion: resources.warren.dev/v1\nkind: WarrenRole\nmetadata:\n  name: ${name}\n${extra}spec:\n  allow:\n    kubernetes_labels: { env: dev }\n    kubernetes_groups: ${JSON.stringify(groups)}\n`;

export const userYaml = (name: string, roles: string[]) =>
  `apiVersion: resources.warren.dev/v1\nkind: WarrenUser\nmetadata:\n  name: ${name}\nspec:\n  roles: ${JSON.stringify(roles)}\n`;
