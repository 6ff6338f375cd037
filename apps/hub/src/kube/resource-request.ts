import type { RequestAttributes } from "@warren/kube";
import type { KubeResourceRequest, ObjectFilter } from "@warren/rbac";

/** The live filter of a list or watch: a role change while it runs replaces `current`. */
export interface FilterHolder {
  current: ObjectFilter;
}

const SUBRESOURCE_VERBS: Readonly<Record<string, string>> = {
  exec: "exec",
  attach: "exec",
  portforward: "portforward",
};

/**
 * What a request acts on in kubernetes_resources terms, or undefined for a non-resource path
 * (/api, /apis, /version, /readyz), which resource rules do not limit. A subresource counts
 * as its parent; exec, attach and port-forward as verbs of it.
 */
export function resourceRequestOf(attributes: RequestAttributes): KubeResourceRequest | undefined {
  if (attributes.resource === "") return undefined;
  const [kind = "", subresource = ""] = attributes.resource.split("/");
  return {
    verb: SUBRESOURCE_VERBS[subresource] ?? attributes.verb,
    kind,
    apiGroup: attributes.apiGroup,
    namespace: attributes.namespace,
    name: attributes.name,
  };
}
