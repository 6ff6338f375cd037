import { IdentityError, IdentityErrorCode } from "./errors.js";

export type Labels = Record<string, string>;

// Kubernetes label syntax: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Names of people and admins: up to 64 letters, digits, ".", "_", "@" and "-". */
export function validatePrincipalName(name: string): string {
  if (!PRINCIPAL_NAME.test(name)) {
    throw new IdentityError(
      IdentityErrorCode.InvalidName,
      `name "${name}" is not valid: use up to 64 letters, digits, ".", "_", "@" and "-", ` +
        "starting with a letter or digit",
    );
  }
  return name;
}

export function validateClusterName(name: string): string {
  if (!CLUSTER_NAME.test(name)) {
    throw new IdentityError(
      IdentityErrorCode.InvalidClusterName,
      `cluster name "${name}" is not valid: use 1 to 63 lowercase letters, digits, "-" and ".", ` +
        "starting and ending with a letter or digit",
    );
  }
  return name;
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    return `label key "${key}" has an invalid prefix (a DNS subdomain)`;
  }
  if (!NAME.test(name)) {
    return `label key "${key}" is not valid: up to 63 letters, digits, "-", "_" and "."`;
  }
  return undefined;
}

export function validateLabels(labels: Labels): Labels {
  for (const [key, value] of Object.entries(labels)) {
    const problem =
      labelKeyProblem(key) ??
      (value !== "" && !NAME.test(value)
        ? `label value "${value}" of "${key}" is not valid: up to 63 letters, digits, "-", "_" and "."`
        : undefined);
    if (problem) throw new IdentityError(IdentityErrorCode.InvalidLabels, problem);
  }
  return labels;
}

/** Parses "env=prod,team=a" (the form of --labels and WARREN_LABELS). */
export function parseLabels(text: string): Labels {
  const labels: Labels = {};
  for (const pair of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const equals = pair.indexOf("=");
    if (equals <= 0) {
      throw new IdentityError(
        IdentityErrorCode.InvalidLabels,
        `"${pair}" is not a label: write key=value, separated by commas`,
      );
    }
    labels[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return validateLabels(labels);
}

/** The same keys with the same values. */
export const sameLabels = (a: Labels, b: Labels): boolean =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([key, value]) => b[key] === value);

export function formatLabels(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}
