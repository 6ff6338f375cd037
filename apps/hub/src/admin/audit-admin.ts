import type { handleUnaryCall } from "@grpc/grpc-js";
import type { ListAuditEventsRequest, ListAuditEventsResponse } from "@warren/proto";
import { AUDIT_KINDS, type HubStore } from "@warren/store";

import type { AuditWriter } from "../audit/audit-writer.js";
import { refuse } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

export interface AuditAdminDeps extends AdminHandlerDeps {
  store: HubStore;
  /** Flushed first, so a listing includes every request already answered. */
  audit: AuditWriter;
}

export function listAuditEventsHandler(
  deps: AuditAdminDeps,
): handleUnaryCall<ListAuditEventsRequest, ListAuditEventsResponse> {
  return adminHandler(deps, "ListAuditEvents", async (call) => {
    const { kind, user, cluster, sinceUnixMs, limit } = call.request;
    if (kind !== "" && !AUDIT_KINDS.some((k) => k === kind))
      throw refuse.invalid(`kind: choose one of ${AUDIT_KINDS.join(", ")}`);
    await deps.audit.flush();
    const events = await deps.store.audit.list({
      kind: AUDIT_KINDS.find((k) => k === kind),
      user: user || undefined,
      cluster: cluster || undefined,
      since: sinceUnixMs > 0 ? new Date(sinceUnixMs) : undefined,
      limit: Math.min(limit || DEFAULT_LIMIT, MAX_LIMIT),
    });
    return {
      events: events.map((event) => ({
        ...event,
        timeUnixMs: event.time.getTime(),
      })),
    };
  });
}
