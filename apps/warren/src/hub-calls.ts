import { status } from "@grpc/grpc-js";
import {
  callUnary,
  classifyCallFailure,
  hubChannel,
  refusalReasonOf,
  RefusalReason,
} from "@warren/hub-client";
import { LoginServiceClient, UserServiceClient } from "@warren/proto";

import { WarrenError, WarrenErrorCode } from "./errors.js";
import type { UserProfile } from "./profile/user-profile.js";

type UnaryMethod<Request, Response> = Parameters<typeof callUnary<Request, Response>>[0];

/** A failed call in words: whose fault, and what to do. */
export function hubCallError(error: unknown, hubAddr: string): unknown {
  const failure = classifyCallFailure(error);
  if (failure === undefined) return error;
  if (failure.kind === "untrusted") {
    return new WarrenError(
      WarrenErrorCode.HubUntrusted,
      `the server at ${hubAddr} presents a certificate the CA you trust for it does not vouch for ` +
        `(${failure.details}): another server, or the hub was recreated; if your admin confirms a new ` +
        `CA, log in again with its pin: warren login --hub ${hubAddr} --ca-pin sha256:…`,
      { cause: error },
    );
  }
  if (failure.kind === "unreachable") {
    return new WarrenError(
      WarrenErrorCode.HubUnreachable,
      `cannot reach the hub at ${hubAddr} (${failure.details}): check the address and your network`,
      { cause: error },
    );
  }
  const ended =
    refusalReasonOf(error) === RefusalReason.SessionEnded ||
    failure.code === status.UNAUTHENTICATED;
  return new WarrenError(
    ended ? WarrenErrorCode.SessionEnded : WarrenErrorCode.Refused,
    `the hub refused: ${failure.details}`,
    { cause: error },
  );
}

/** Calls the hub; every failure becomes a WarrenError. */
export async function callHub<Request, Response>(
  hubAddr: string,
  method: UnaryMethod<Request, Response>,
  request: Request,
  timeoutMs?: number,
): Promise<Response> {
  try {
    return await callUnary(method, request, timeoutMs);
  } catch (error) {
    throw hubCallError(error, hubAddr);
  }
}

/** The login API, trusting only the hub's CA; no certificate needed. */
export function loginClient(hubAddr: string, caPem: string): LoginServiceClient {
  const channel = hubChannel(hubAddr, { caPem });
  return new LoginServiceClient(channel.target, channel.credentials, channel.options);
}

/** The user API, as the profile's user. */
export function userClient(profile: UserProfile): UserServiceClient {
  const channel = hubChannel(profile.hubAddr, {
    caPem: profile.caPem,
    certificatePem: profile.certificatePem,
    privateKeyPem: profile.privateKeyPem,
  });
  return new UserServiceClient(channel.target, channel.credentials, channel.options);
}
