import { parse, stringify } from "yaml";

/** One context with the cluster and user entries it names (all three share `name`). */
export interface KubeconfigEntry {
  name: string;
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
}

interface Named {
  name?: unknown;
}

type Kubeconfig = Record<string, unknown> & {
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
};

function replaced(list: Named[] | undefined, name: string, item: Named): Named[] {
  const rest = (list ?? []).filter((entry) => entry.name !== name);
  return [...rest, item];
}

/**
 * The kubeconfig text with the entry added or replaced (its cluster, user and context, by
 * name) and made current; every other entry, and every other field, stays as it was.
 * Throws when the existing text is not a kubeconfig, rather than overwrite it.
 */
export function mergeKubeconfig(existing: string, entry: KubeconfigEntry): string {
  const parsed: unknown = existing.trim() === "" ? {} : parse(existing);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error("it is not a kubeconfig (expected a YAML map)");
  }
  const config = parsed as Kubeconfig;
  for (const key of ["clusters", "users", "contexts"] as const) {
    // What YAML holds, not what the type hopes for.
    const value: unknown = config[key];
    if (value !== undefined && value !== null && !Array.isArray(value)) {
      throw new Error(`it is not a kubeconfig (${key} is not a list)`);
    }
  }
  const merged: Kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    ...config,
    clusters: replaced(config.clusters, entry.name, {
      name: entry.name,
      cluster: entry.cluster,
    } as Named),
    users: replaced(config.users, entry.name, { name: entry.name, user: entry.user } as Named),
    contexts: replaced(config.contexts, entry.name, {
      name: entry.name,
      context: { cluster: entry.name, user: entry.name },
    } as Named),
    "current-context": entry.name,
  };
  return stringify(merged);
}
