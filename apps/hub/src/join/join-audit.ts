import type { AgentIdentity } from "@warren/proto";
import type { AuditEventRecord, JoinTokenRecord } from "@warren/store";

import { auditEvent } from "../audit/audit-event.js";

/** An agent joined: who (the token), from where, as which agent of which cluster. */
export function joinAuditEvent(
  time: Date,
  token: JoinTokenRecord,
  identity: AgentIdentity | undefined,
  source: string,
): AuditEventRecord {
  return auditEvent({
    kind: "join",
    time,
    user: `token:${token.id}`,
    source,
    verb: "join",
    method: "Join",
    resource: "agents",
    name: identity?.agentId ?? "",
    cluster: identity?.clusterName ?? "",
  });
}
