import type { RequestAttributes } from "@warren/kube";

/** An exec or attach that takes input or has a terminal: what is recorded. */
export interface InteractiveSession {
  subresource: "exec" | "attach";
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  tty: boolean;
}

const SUBRESOURCES: Record<string, InteractiveSession["subresource"]> = {
  "pods/exec": "exec",
  "pods/attach": "attach",
};

const yes = (value: string | null) => value === "true" || value === "1";

/**
 * The session a request opens, if it is an interactive one: an exec or attach with stdin or a
 * terminal. One that only reads output (kubectl cp from a pod, exec without -i) is audited as
 * any request is, and not recorded.
 */
export function interactiveSession(
  path: string,
  attributes: RequestAttributes,
): InteractiveSession | undefined {
  const subresource = SUBRESOURCES[attributes.resource];
  if (subresource === undefined) return undefined;
  const query = new URL(path, "http://kube").searchParams;
  const tty = yes(query.get("tty"));
  if (!tty && !yes(query.get("stdin"))) return undefined;
  return {
    subresource,
    namespace: attributes.namespace,
    pod: attributes.name,
    container: query.get("container") ?? "",
    command: subresource === "exec" ? query.getAll("command") : [],
    tty,
  };
}
