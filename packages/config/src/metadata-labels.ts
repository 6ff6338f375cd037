/** The label that says who manages a hub resource, as Teleport's `teleport.dev/origin`. */
export const ORIGIN_LABEL = "warren.dev/origin";
/** Its value on resources warren-operator made from Kubernetes custom resources. */
export const ORIGIN_KUBERNETES = "kubernetes";

// Kubernetes' own label syntax: the operator copies these to and from custom resources.
const KEY_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const KEY_PREFIX = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;

function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !KEY_PREFIX.test(prefix)))
    return `label key "${key}": the prefix must be a DNS subdomain`;
  if (!KEY_NAME.test(name))
    return `label key "${key}": up to 63 letters, digits, "-", "_" and "." after any prefix`;
  return undefined;
}

/**
 * metadata.labels of a hub document: a map of Kubernetes-style labels. Returns the labels,
 * or the problem with them.
 */
export function readMetadataLabels(
  value: unknown,
): { labels: Record<string, string> } | { problem: string } {
  if (value === undefined || value === null) return { labels: {} };
  if (typeof value !== "object" || Array.isArray(value)) return { problem: "expected a map" };
  const labels: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== "string") return { problem: `label "${key}": expected a string value` };
    const problem =
      keyProblem(key) ??
      (VALUE.test(raw) ? undefined : `label "${key}": value "${raw}" is not a label value`);
    if (problem) return { problem };
    labels[key] = raw;
  }
  return { labels };
}
