/** What a Kubernetes API request acts on, as audit logs and RBAC name it. */
export interface RequestAttributes {
  verb: string;
  /** "pods", or "pods/exec" for a subresource; empty for non-resource paths such as /api. */
  resource: string;
  namespace: string;
  name: string;
  /** "" for the core group (/api), else the group of /apis/GROUP/VERSION. */
  apiGroup: string;
}

const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: "create",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
  HEAD: "get",
  OPTIONS: "options",
};

function verbOf(method: string, named: boolean, query: URLSearchParams): string {
  if (method === "GET" || method === "HEAD") {
    if (query.get("watch") === "true" || query.get("watch") === "1") return "watch";
    return named ? "get" : "list";
  }
  if (method === "DELETE" && !named) return "deletecollection";
  return METHOD_VERBS[method] ?? method.toLowerCase();
}

/**
 * Reads /api/v1/namespaces/NS/pods/NAME/exec and /apis/GROUP/VERSION/… the way the API
 * server's request-info resolver does, well enough for audit and diagnostics.
 */
export function requestAttributes(method: string, pathAndQuery: string): RequestAttributes {
  const url = new URL(pathAndQuery, "http://kube");
  const parts = url.pathname.split("/").filter((p) => p !== "");
  const prefixLength = parts[0] === "api" ? 2 : parts[0] === "apis" ? 3 : -1;
  if (prefixLength < 0 || parts.length <= prefixLength) {
    return {
      verb: method === "GET" ? "get" : method.toLowerCase(),
      resource: "",
      namespace: "",
      name: "",
      apiGroup: "",
    };
  }
  let rest = parts.slice(prefixLength);
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1] ?? "";
    rest = rest.slice(2);
  } else if (rest[0] === "namespaces" && rest.length === 2) {
    namespace = rest[1] ?? "";
  }
  const [resource = "", name = "", subresource] = rest;
  const verb = verbOf(method, name !== "", url.searchParams);
  const full = subresource === undefined ? resource : `${resource}/${subresource}`;
  const apiGroup = parts[0] === "apis" ? (parts[1] ?? "") : "";
  return { verb, resource: full, namespace, name, apiGroup };
}
