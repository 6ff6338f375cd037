import { status, type ServiceError } from "@grpc/grpc-js";

/** A gRPC failure status, as opposed to any other error. */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === "number";
}

/** The hub was not reached (down, wrong address, TLS failure), as opposed to refusing. */
export function isUnreachable(error: ServiceError): boolean {
  return error.code === status.UNAVAILABLE || error.code === status.DEADLINE_EXCEEDED;
}
