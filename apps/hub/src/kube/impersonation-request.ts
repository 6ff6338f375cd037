import { isImpersonationHeader, type HeaderLine } from "@warren/kube";

import { KubeRefusal } from "./kube-refusal.js";

export interface RequestedIdentity {
  user?: string;
  groups: string[];
}

/**
 * What kubectl --as / --as-group asked for. Those narrow within the roles; every other
 * Impersonate-* header (Uid, Extra-*) would widen past what roles can grant, so it is refused.
 */
export function requestedIdentity(lines: readonly HeaderLine[]): RequestedIdentity {
  const requested: RequestedIdentity = { groups: [] };
  for (const { name, value } of lines) {
    if (!isImpersonationHeader(name)) continue;
    const lower = name.toLowerCase();
    if (lower === "impersonate-user") {
      if (requested.user !== undefined && requested.user !== value)
        throw new KubeRefusal(400, "more than one Impersonate-User header");
      requested.user = value;
    } else if (lower === "impersonate-group") {
      requested.groups.push(value);
    } else {
      throw new KubeRefusal(
        403,
        `the ${name} header is not allowed through Warren: only --as and --as-group (Impersonate-User ` +
          "and Impersonate-Group), within what your roles allow",
      );
    }
  }
  return requested;
}
