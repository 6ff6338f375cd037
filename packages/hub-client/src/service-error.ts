import { status, type ServiceError } from "@grpc/grpc-js";

/** A gRPC failure status, as opposed to any other error. */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === "number";
}

/** The hub was not reached (down, wrong address, TLS failure), as opposed to refusing. */
export function isUnreachable(error: ServiceError): boolean {
  return error.code === status.UNAVAILABLE || error.code === status.DEADLINE_EXCEEDED;
}

const UNTRUSTED_CERTIFICATE = /certificate|self[- ]signed|unable to verify|unsuitable/i;

/** What went wrong with a call to the hub, in the three ways a CLI tells apart. */
export type CallFailure =
  | { kind: "untrusted"; details: string }
  | { kind: "unreachable"; details: string }
  | { kind: "refused"; details: string; code: status };

/** A failed call's kind, or undefined when the error is not a gRPC status (a bug). */
export function classifyCallFailure(error: unknown): CallFailure | undefined {
  if (!isServiceError(error)) return undefined;
  if (error.code === status.UNAVAILABLE && UNTRUSTED_CERTIFICATE.test(error.details)) {
    return { kind: "untrusted", details: error.details };
  }
  if (isUnreachable(error)) return { kind: "unreachable", details: error.details };
  return { kind: "refused", details: error.details, code: error.code };
}
