import { status, type handleUnaryCall, type ServerUnaryCall } from "@grpc/grpc-js";
import { refusalMetadata } from "@warren/hub-client";
import { errorFields, type Logger } from "@warren/log";

import { Refusal } from "../errors.js";

/**
 * Adapts an async handler to grpc-js. A Refusal becomes its status, message and reason; any
 * other error is a bug: logged in full, answered with INTERNAL and no internals.
 */
export function unaryHandler<Request, Response>(
  logger: Logger,
  method: string,
  handle: (call: ServerUnaryCall<Request, Response>) => Promise<Response>,
): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    handle(call).then(
      (response) => {
        callback(null, response);
      },
      (error: unknown) => {
        if (error instanceof Refusal) {
          logger.warn({ method, reason: error.reason, peer: call.getPeer() }, error.message);
          callback({
            code: error.grpcCode,
            details: error.message,
            metadata: refusalMetadata(error.reason),
          });
          return;
        }
        logger.error({ method, ...errorFields(error) }, "unexpected error handling a call");
        callback({ code: status.INTERNAL, details: "internal error in warren-hub; see its log" });
      },
    );
  };
}
