import {
  ConfigError,
  DocumentReader,
  parseDuration,
  parseYaml,
  readMetadataLabels,
  type YamlFile,
  type YamlPath,
} from "@warren/config";

import { RbacError, RbacErrorCode } from "./errors.js";
import { parseLabelExpression } from "./label-expression.js";
import { compileValuePattern, type LabelSelector } from "./label-matcher.js";
import { RESOURCE_VERBS, type KubeResourceRule } from "./resource-rules.js";
import { parseTemplate } from "./trait-template.js";

/** One side of a role (allow or deny), as stored: plain data, compiled when used. */
export interface RoleConditions {
  kubernetesLabels: LabelSelector;
  kubernetesLabelsExpression?: string;
  kubernetesGroups: string[];
  kubernetesUsers: string[];
  /** Empty: every resource (the cluster's RBAC decides); else only what a rule names. */
  kubernetesResources: KubeResourceRule[];
}

export interface Role {
  name: string;
  description?: string;
  allow: RoleConditions;
  deny: RoleConditions;
  /** spec.options.max_session_ttl: the longest a login session with this role may last. */
  maxSessionTtlMs?: number;
  /**
   * spec.options.record_sessions: false lets this role's exec and attach sessions on the
   * clusters it matches go unrecorded, unless another role granting the session records.
   */
  recordSessions?: boolean;
  /** spec.options.console_admin: the web console shows this role's users the admin pages. */
  consoleAdmin?: boolean;
  /** Whether groups or users use {{external.…}} traits (expanded per user). */
  templated?: boolean;
  /** metadata.labels; warren.dev/origin says who manages the role. */
  labels?: Record<string, string>;
}

const NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const TOP_FIELDS = ["kind", "version", "metadata", "spec"];
const METADATA_FIELDS = ["name", "description", "labels"];
const SPEC_FIELDS = ["allow", "deny", "options"];
const OPTION_FIELDS = ["max_session_ttl", "record_sessions", "console_admin"];
const CONDITION_FIELDS = [
  "kubernetes_labels",
  "kubernetes_labels_expression",
  "kubernetes_groups",
  "kubernetes_users",
  "kubernetes_resources",
];
const RESOURCE_FIELDS = ["kind", "api_group", "namespace", "name", "verbs"];

class RoleReader extends DocumentReader {
  templated = false;

  strings(path: YamlPath, value: unknown): string[] {
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    if (list.every((item) => typeof item === "string")) return list;
    this.problem(path, "expected a string or a list of strings");
    return [];
  }

  /** Strings that may carry a {{external.NAME}} template. */
  templates(path: YamlPath, value: unknown): string[] {
    const values = this.strings(path, value);
    for (const item of values) {
      try {
        if (parseTemplate(item)) this.templated = true;
      } catch (error) {
        this.problem(path, (error as Error).message);
      }
    }
    return values;
  }

  boolean(path: YamlPath, value: unknown): boolean | undefined {
    if (value === undefined || typeof value === "boolean") return value;
    this.problem(path, "expected true or false");
    return undefined;
  }

  duration(path: YamlPath, value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") {
      this.problem(path, "expected a duration like 30m or 8h");
      return undefined;
    }
    try {
      const ms = parseDuration(value);
      if (ms > 0) return ms;
      this.problem(path, "must be longer than 0");
    } catch (error) {
      this.problem(path, (error as Error).message);
    }
    return undefined;
  }

  labels(path: YamlPath, value: unknown): LabelSelector {
    const selector: Record<string, string[]> = {};
    const record = this.map(path, value);
    for (const [key, raw] of Object.entries(record)) {
      const values = this.strings([...path, key], raw);
      for (const pattern of values) {
        try {
          compileValuePattern(pattern);
        } catch (error) {
          this.problem([...path, key], (error as Error).message);
        }
      }
      selector[key] = values;
    }
    return selector;
  }

  pattern(path: YamlPath, value: unknown, fallback?: string): string {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "string") {
      this.problem(path, fallback === undefined ? "required: a string" : "expected a string");
      return "";
    }
    try {
      compileValuePattern(value);
    } catch (error) {
      this.problem(path, (error as Error).message);
    }
    return value;
  }

  resourceRule(path: YamlPath, value: unknown): KubeResourceRule {
    const record = this.map(path, value, RESOURCE_FIELDS);
    const verbs = this.strings([...path, "verbs"], record.verbs);
    if (verbs.length === 0)
      this.problem([...path, "verbs"], `required: some of ${RESOURCE_VERBS.join(", ")}`);
    for (const verb of verbs) {
      if (!(RESOURCE_VERBS as readonly string[]).includes(verb))
        this.problem(
          [...path, "verbs"],
          `unknown verb "${verb}" (known: ${RESOURCE_VERBS.join(", ")})`,
        );
    }
    if (record.api_group === undefined) {
      this.problem(
        [...path, "api_group"],
        'required: "" for core resources such as pods, "apps" for deployments, "*" for any',
      );
    }
    return {
      kind: this.pattern([...path, "kind"], record.kind),
      apiGroup: this.pattern([...path, "api_group"], record.api_group ?? ""),
      namespace: this.pattern([...path, "namespace"], record.namespace, "*"),
      name: this.pattern([...path, "name"], record.name, "*"),
      verbs,
    };
  }

  resourceRules(path: YamlPath, value: unknown): KubeResourceRule[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(path, "expected a list of { kind, api_group, namespace, name, verbs }");
      return [];
    }
    return (value as unknown[]).map((item, i) => this.resourceRule([...path, i], item));
  }

  conditions(path: YamlPath, value: unknown): RoleConditions {
    const record = this.map(path, value, CONDITION_FIELDS);
    const expression = record.kubernetes_labels_expression;
    const conditions: RoleConditions = {
      kubernetesLabels: this.labels([...path, "kubernetes_labels"], record.kubernetes_labels),
      kubernetesGroups: this.templates([...path, "kubernetes_groups"], record.kubernetes_groups),
      kubernetesUsers: this.templates([...path, "kubernetes_users"], record.kubernetes_users),
      kubernetesResources: this.resourceRules(
        [...path, "kubernetes_resources"],
        record.kubernetes_resources,
      ),
    };
    if (expression === undefined || expression === null) return conditions;
    const expressionPath = [...path, "kubernetes_labels_expression"];
    if (typeof expression !== "string") {
      this.problem(expressionPath, "expected a string");
      return conditions;
    }
    try {
      parseLabelExpression(expression);
    } catch (error) {
      this.problem(expressionPath, (error as Error).message);
    }
    return { ...conditions, kubernetesLabelsExpression: expression };
  }
}

function readRole(reader: RoleReader, values: unknown): Role {
  const top = reader.map([], values, TOP_FIELDS);
  if (top.kind !== "role") reader.problem(["kind"], 'must be "role"');
  const metadata = reader.map(["metadata"], top.metadata, METADATA_FIELDS);
  const name = typeof metadata.name === "string" ? metadata.name : "";
  if (!NAME.test(name)) {
    reader.problem(["metadata", "name"], "required: lower-case letters, digits, '.', '_', '-'");
  }
  const spec = reader.map(["spec"], top.spec, SPEC_FIELDS);
  const options = reader.map(["spec", "options"], spec.options, OPTION_FIELDS);
  const maxSessionTtlMs = reader.duration(
    ["spec", "options", "max_session_ttl"],
    options.max_session_ttl,
  );
  const role: Role = {
    name,
    allow: reader.conditions(["spec", "allow"], spec.allow),
    deny: reader.conditions(["spec", "deny"], spec.deny),
  };
  if (typeof metadata.description === "string") role.description = metadata.description;
  const labels = readMetadataLabels(metadata.labels);
  if ("problem" in labels) reader.problem(["metadata", "labels"], labels.problem);
  else if (Object.keys(labels.labels).length > 0) role.labels = labels.labels;
  if (maxSessionTtlMs !== undefined) role.maxSessionTtlMs = maxSessionTtlMs;
  const recordSessions = reader.boolean(
    ["spec", "options", "record_sessions"],
    options.record_sessions,
  );
  if (recordSessions !== undefined) role.recordSessions = recordSessions;
  const consoleAdmin = reader.boolean(["spec", "options", "console_admin"], options.console_admin);
  if (consoleAdmin !== undefined) role.consoleAdmin = consoleAdmin;
  if (reader.templated) role.templated = true;
  return role;
}

/** Reads a role document; every problem is reported at once, each with its line and reason. */
export function parseRoleDocument(text: string, source = "role"): Role {
  let file: YamlFile;
  try {
    file = parseYaml(text, source);
  } catch (error) {
    if (error instanceof ConfigError) throw new RbacError(RbacErrorCode.InvalidRole, error.message);
    throw error;
  }
  const reader = new RoleReader(file);
  const role = readRole(reader, file.values);
  if (reader.problems.length > 0) {
    throw new RbacError(
      RbacErrorCode.InvalidRole,
      [`${source} is not a valid role:`, ...reader.problems.map((p) => `  ${p}`)].join("\n"),
    );
  }
  return role;
}
