import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { IdentityError } from "@warren/identity";

export enum HubErrorCode {
  /** The data directory cannot be created or is not private. */
  DataDir = "data_dir",
  /** A listener cannot bind its address. */
  Listen = "listen",
}

/** A problem the operator can fix, reported with its message and no stack. */
export class HubError extends Error {
  override readonly name = "HubError";

  constructor(
    readonly code: HubErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A call the hub refuses on purpose: its gRPC status, why, and what to do about it. */
export class Refusal extends Error {
  override readonly name = "Refusal";

  constructor(
    readonly grpcCode: status,
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export const refuse = {
  invalid: (message: string) =>
    new Refusal(status.INVALID_ARGUMENT, RefusalReason.InvalidRequest, message),
  unauthenticated: (message: string) =>
    new Refusal(status.UNAUTHENTICATED, RefusalReason.Unauthenticated, message),
  notAllowed: (message: string) =>
    new Refusal(status.PERMISSION_DENIED, RefusalReason.NotAllowed, message),
  notFound: (message: string) => new Refusal(status.NOT_FOUND, RefusalReason.NotFound, message),
  precondition: (reason: RefusalReason, message: string) =>
    new Refusal(status.FAILED_PRECONDITION, reason, message),
};

/** Runs a validator from @warren/identity; its IdentityError becomes an INVALID_ARGUMENT refusal. */
export function validIdentityInput<T>(validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof IdentityError) throw refuse.invalid(error.message);
    throw error;
  }
}
