import {
  ConfigError,
  DocumentReader,
  parseYaml,
  readMetadataLabels,
  type YamlFile,
  type YamlPath,
} from "@warren/config";

import { refuse } from "../errors.js";

/** `namespace:name` of a ServiceAccount that may join with the token. */
export interface ServiceAccountRule {
  serviceAccount: string;
}

export type KubernetesJoinRule =
  | { type: "static_jwks"; jwks: { keys: object[] }; allow: ServiceAccountRule[] }
  | { type: "in_cluster"; allow: ServiceAccountRule[] };

/** A named join rule: who may join (by proof, no secret) and as what. */
export interface ProvisionTokenSpec {
  name: string;
  labels: Record<string, string>;
  type: "kube" | "admin";
  joinMethod: "kubernetes";
  /** kube: the cluster its agents join, its labels when a join creates it, agent label keys. */
  clusterName: string;
  clusterLabels: Record<string, string>;
  agentLabelKeys: string[];
  /** admin: the admin name the joiner enrols as. */
  adminName: string;
  /** admin: "resources" (users, roles, connectors, provision tokens: the operator) or "full". */
  adminScope: "resources" | "full";
  kubernetes: KubernetesJoinRule;
}

const NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const SERVICE_ACCOUNT = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?:[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
const SPEC_FIELDS = [
  "type",
  "join_method",
  "cluster_name",
  "labels",
  "agent_label_keys",
  "admin_name",
  "admin_scope",
  "kubernetes",
];

class Reader extends DocumentReader {
  text(path: YamlPath, value: unknown): string {
    if (value === undefined || value === null) return "";
    if (typeof value === "string") return value;
    this.problem(path, "expected a string");
    return "";
  }

  strings(path: YamlPath, value: unknown): string[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
    this.problem(path, "expected a list of strings");
    return [];
  }
}

function readJwks(reader: Reader, path: YamlPath, value: unknown): { keys: object[] } {
  const text = reader.text(path, value);
  try {
    const parsed = JSON.parse(text) as { keys?: unknown };
    const keys: unknown = parsed.keys;
    if (Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof k === "object"))
      return { keys: keys as object[] };
  } catch {
    // Reported below with the fix.
  }
  reader.problem(
    path,
    'required: the cluster\'s JWKS, {"keys":[…]} from kubectl get --raw /openid/v1/jwks',
  );
  return { keys: [] };
}

function readKubernetes(reader: Reader, value: unknown): KubernetesJoinRule {
  const path = ["spec", "kubernetes"];
  const rule = reader.map(path, value, ["type", "static_jwks", "allow"]);
  const type = reader.oneOf([...path, "type"], rule.type, ["static_jwks", "in_cluster"] as const);
  const allowed = Array.isArray(rule.allow) ? (rule.allow as unknown[]) : [];
  if (allowed.length === 0)
    reader.problem(
      [...path, "allow"],
      'required: at least one { service_account: "namespace:name" }',
    );
  const allow = allowed.map((item, index) => {
    const entry = reader.map([...path, "allow", index], item, ["service_account"]);
    const account = reader.text(
      [...path, "allow", index, "service_account"],
      entry.service_account,
    );
    if (!SERVICE_ACCOUNT.test(account))
      reader.problem([...path, "allow", index, "service_account"], 'expected "namespace:name"');
    return { serviceAccount: account };
  });
  if (type === "in_cluster") return { type, allow };
  const jwksPath = [...path, "static_jwks"];
  const jwks = reader.map(jwksPath, rule.static_jwks, ["jwks"]);
  return { type, jwks: readJwks(reader, [...jwksPath, "jwks"], jwks.jwks), allow };
}

function readSpec(reader: Reader, name: string, value: unknown): ProvisionTokenSpec {
  const spec = reader.map(["spec"], value, SPEC_FIELDS);
  const type = reader.oneOf(["spec", "type"], spec.type, ["kube", "admin"] as const);
  const joinMethod = reader.oneOf(["spec", "join_method"], spec.join_method, [
    "kubernetes",
  ] as const);
  const clusterLabels = readMetadataLabels(spec.labels);
  if ("problem" in clusterLabels) reader.problem(["spec", "labels"], clusterLabels.problem);
  return {
    name,
    labels: {},
    type,
    joinMethod,
    clusterName: reader.text(["spec", "cluster_name"], spec.cluster_name),
    clusterLabels: "labels" in clusterLabels ? clusterLabels.labels : {},
    agentLabelKeys: reader.strings(["spec", "agent_label_keys"], spec.agent_label_keys),
    adminName: reader.text(["spec", "admin_name"], spec.admin_name),
    adminScope:
      spec.admin_scope === undefined
        ? "resources"
        : reader.oneOf(["spec", "admin_scope"], spec.admin_scope, ["resources", "full"] as const),
    kubernetes: readKubernetes(reader, spec.kubernetes),
  };
}

/** Reads a provision token document (kind: provision_token); every problem at once. */
export function parseProvisionTokenDocument(text: string): ProvisionTokenSpec {
  let file: YamlFile;
  try {
    file = parseYaml(text, "provision token");
  } catch (error) {
    if (error instanceof ConfigError) throw refuse.invalid(error.message);
    throw error;
  }
  const reader = new Reader(file);
  const top = reader.map([], file.values, ["kind", "version", "metadata", "spec"]);
  if (top.kind !== "provision_token") reader.problem(["kind"], 'must be "provision_token"');
  const metadata = reader.map(["metadata"], top.metadata, ["name", "labels"]);
  const name = typeof metadata.name === "string" ? metadata.name : "";
  if (!NAME.test(name))
    reader.problem(["metadata", "name"], "required: lower-case letters, digits, '.', '_', '-'");
  const labels = readMetadataLabels(metadata.labels);
  if ("problem" in labels) reader.problem(["metadata", "labels"], labels.problem);
  const spec = readSpec(reader, name, top.spec);
  if ("labels" in labels) spec.labels = labels.labels;
  if (reader.problems.length > 0) {
    throw refuse.invalid(
      ["not a valid provision token:", ...reader.problems.map((p) => `  ${p}`)].join("\n"),
    );
  }
  return spec;
}
