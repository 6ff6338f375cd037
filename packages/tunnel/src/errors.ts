import type { status } from "@grpc/grpc-js";

export enum TunnelErrorCode {
  /** A gRPC call through the tunnel ended with a non-OK status (see grpcStatus). */
  CallFailed = "call_failed",
  /** The tunnel closed, or was never up. */
  Closed = "closed",
  /** Bytes on the wire were not what the protocol allows. */
  Protocol = "protocol",
  /** A key could not be used for SSH. */
  InvalidKey = "invalid_key",
  /** The tunnel server's host key is not the one the hub's CA certified. */
  HostKeyMismatch = "host_key_mismatch",
  /** The hub refused the agent's credentials on the tunnel. */
  AuthRejected = "auth_rejected",
  /** The tunnel server could not be reached or the SSH handshake failed. */
  Unreachable = "unreachable",
  /** The client declined the server by its banner (a hub replica it already has a tunnel to). */
  Declined = "declined",
}

export class TunnelError extends Error {
  override readonly name = "TunnelError";

  constructor(
    readonly code: TunnelErrorCode,
    message: string,
    /** For CallFailed: the gRPC status, its trailing metadata. */
    readonly grpcStatus?: status,
    readonly metadata: Readonly<Record<string, string>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
