import { status, type handleUnaryCall, type ServerUnaryCall } from "@grpc/grpc-js";
import { RefusalReason, refusalMetadata } from "@warren/hub-client";
import { errorFields, type Logger } from "@warren/log";
import { StoreError, StoreErrorCode } from "@warren/store";

import { Refusal } from "../errors.js";

/**
 * Adapts an async handler to grpc-js. A Refusal becomes its status, message and reason; any
 * other error is a bug: logged in full, answered with INTERNAL and no internals. A handler
 * that throws before its first await is treated the same (grpc-js would answer UNKNOWN).
 */
export function unaryHandler<Request, Response>(
  logger: Logger,
  method: string,
  handle: (call: ServerUnaryCall<Request, Response>) => Promise<Response>,
): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    Promise.resolve(call)
      .then(handle)
      .then(
        (response) => {
          callback(null, response);
        },
        (error: unknown) => {
          if (error instanceof Refusal) {
            // Throttled callers are already counted; a line each would let them fill the log.
            const level = error.reason === RefusalReason.Throttled ? "debug" : "warn";
            logger[level]({ method, reason: error.reason, peer: call.getPeer() }, error.message);
            callback({
              code: error.grpcCode,
              details: error.message,
              metadata: refusalMetadata(error.reason),
            });
            return;
          }
          if (error instanceof StoreError && error.code === StoreErrorCode.Unavailable) {
            // Not a bug: the database is away. Another replica may answer; this one will again.
            logger.warn(
              { method, ...errorFields(error) },
              "a call failed: the store is unavailable",
            );
            callback({ code: status.UNAVAILABLE, details: error.message });
            return;
          }
          logger.error({ method, ...errorFields(error) }, "unexpected error handling a call");
          callback({ code: status.INTERNAL, details: "internal error in warren-hub; see its log" });
        },
      );
  };
}
