import { status, type handleUnaryCall, type ServerUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "@warren/log";

import { auditEvent } from "../audit/audit-event.js";
import type { AuditWriter } from "../audit/audit-writer.js";
import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";
import { peerAddress } from "../join/join-throttle.js";
import { checkAdminScope } from "./admin-scope.js";
import type { AuthenticatedAdmin, PeerAuthenticator } from "./peer-authenticator.js";
import { unaryHandler } from "./unary-handler.js";

export interface AdminHandlerDeps {
  authenticator: PeerAuthenticator;
  audit: AuditWriter;
  clock: Clock;
  logger: Logger;
}

/** What an admin call changed, for the audit log: e.g. delete users/bob. */
export interface AdminAction {
  verb: string;
  resource: string;
  name: string;
  cluster?: string;
}

/** The HTTP status a gRPC status corresponds to (as grpc-gateway maps them). */
const HTTP_STATUS: Partial<Record<status, number>> = {
  [status.OK]: 200,
  [status.INVALID_ARGUMENT]: 400,
  [status.FAILED_PRECONDITION]: 400,
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.UNAVAILABLE]: 503,
};

/**
 * An admin API method: the caller is authenticated as an admin before anything else (its name
 * is what the handler receives), and a method that changes something is audited, refused or
 * not, in the store beside kubectl's requests.
 */
export function adminHandler<Request, Response>(
  deps: AdminHandlerDeps,
  method: string,
  handle: (
    call: ServerUnaryCall<Request, Response>,
    admin: string,
    caller: AuthenticatedAdmin,
  ) => Promise<Response>,
  // Request and Response come from where the handler goes (a service's method), not from this.
  action?: (request: NoInfer<Request>, response: NoInfer<Response> | undefined) => AdminAction,
): handleUnaryCall<Request, Response> {
  return unaryHandler(deps.logger, method, async (call) => {
    const caller = await deps.authenticator.admin(call);
    checkAdminScope(caller, method);
    const admin = caller.name;
    if (!action) return handle(call, admin, caller);
    const record = (outcome: { status: number; reason: string }, response?: Response) => {
      const { cluster, ...done } = action(call.request, response);
      deps.audit.add(
        auditEvent({
          kind: "admin",
          time: deps.clock.now(),
          user: admin,
          source: peerAddress(call.getPeer()),
          method,
          cluster: cluster ?? "",
          ...done,
          ...outcome,
        }),
      );
    };
    try {
      const response = await handle(call, admin, caller);
      record({ status: 200, reason: "" }, response);
      return response;
    } catch (error) {
      if (error instanceof Refusal)
        record({ status: HTTP_STATUS[error.grpcCode] ?? 500, reason: error.message });
      else record({ status: 500, reason: "internal error" });
      throw error;
    }
  });
}
