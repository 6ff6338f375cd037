import type { handleUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "@warren/log";
import type { ListAuditEventsRequest, ListAuditEventsResponse } from "@warren/proto";
import type { HubStore } from "@warren/store";

import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import type { AuditWriter } from "../kube/audit-writer.js";
import { unaryHandler } from "../grpc/unary-handler.js";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

export interface AuditAdminDeps {
  store: HubStore;
  /** Flushed first, so a listing includes every request already answered. */
  audit: AuditWriter;
  authenticator: PeerAuthenticator;
  logger: Logger;
}

export function listAuditEventsHandler(
  deps: AuditAdminDeps,
): handleUnaryCall<ListAuditEventsRequest, ListAuditEventsResponse> {
  return unaryHandler(deps.logger, "ListAuditEvents", async (call) => {
    deps.authenticator.admin(call);
    const { user, cluster, sinceUnixMs, limit } = call.request;
    await deps.audit.flush();
    const events = await deps.store.audit.list({
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
