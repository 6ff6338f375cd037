import { randomUUID } from "node:crypto";

import type { AuditEventRecord } from "@warren/store";

export type AuditEventFields = Pick<
  AuditEventRecord,
  "kind" | "time" | "user" | "source" | "verb"
> &
  Partial<AuditEventRecord>;

/** An audit event with the fields that do not apply to its kind left empty. */
export function auditEvent(fields: AuditEventFields): AuditEventRecord {
  return {
    stage: "ResponseComplete",
    requestId: randomUUID(),
    cluster: "",
    kubernetesUser: "",
    kubernetesGroups: [],
    method: "",
    path: "",
    resource: "",
    namespace: "",
    name: "",
    status: 200,
    durationMs: 0,
    reason: "",
    ...fields,
  };
}
