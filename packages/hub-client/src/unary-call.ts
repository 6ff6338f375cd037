import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from "@grpc/grpc-js";
import { Metadata as GrpcMetadata } from "@grpc/grpc-js";

type UnaryMethod<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Response) => void,
) => ClientUnaryCall;

/** Default deadline for calls to the hub, in milliseconds. */
export const DEFAULT_CALL_TIMEOUT_MS = 15_000;

/** Calls a generated grpc-js unary method and returns a promise of its response. */
export function callUnary<Request, Response>(
  method: UnaryMethod<Request, Response>,
  request: Request,
  timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    method(request, new GrpcMetadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) reject(error);
      else resolve(response);
    });
  });
}
