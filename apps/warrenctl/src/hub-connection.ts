import {
  callUnary,
  classifyCallFailure,
  hubChannel,
  readAdminProfile,
  type AdminProfile,
} from "@warren/hub-client";
import { AdminServiceClient } from "@warren/proto";

import { WarrenctlError, WarrenctlErrorCode } from "./errors.js";

type UnaryMethod<Request, Response> = Parameters<typeof callUnary<Request, Response>>[0];

export interface HubConnection {
  profile: AdminProfile;
  admin: AdminServiceClient;
  /** Calls the hub; a refusal or an unreachable hub becomes a WarrenctlError. */
  call<Request, Response>(
    method: UnaryMethod<Request, Response>,
    request: Request,
  ): Promise<Response>;
  close(): void;
}

/** The hub's own message for a refusal; a plain account of an unreachable hub. */
export function hubCallError(error: unknown, hubAddr: string): unknown {
  const failure = classifyCallFailure(error);
  if (failure === undefined) return error;
  switch (failure.kind) {
    case "untrusted":
      return new WarrenctlError(
        WarrenctlErrorCode.HubUntrusted,
        `the server at ${hubAddr} presents a certificate this profile's CA does not vouch for ` +
          `(${failure.details}): it is another server, or the hub was recreated with a new CA; get a ` +
          "new profile (warrenctl auth login, or the hub's data directory)",
        { cause: error },
      );
    case "unreachable":
      return new WarrenctlError(
        WarrenctlErrorCode.HubUnreachable,
        `cannot reach the hub at ${hubAddr} (${failure.details}): is warren-hub running there, ` +
          "and does the profile name the right address?",
        { cause: error },
      );
    case "refused":
      return new WarrenctlError(WarrenctlErrorCode.Refused, `the hub refused: ${failure.details}`, {
        cause: error,
      });
  }
}

export async function connectAsAdmin(profilePath: string): Promise<HubConnection> {
  const profile = await readAdminProfile(profilePath);
  const channel = hubChannel(profile.hubAddr, profile);
  const admin = new AdminServiceClient(channel.target, channel.credentials, channel.options);
  return {
    profile,
    admin,
    call: async (method, request) => {
      try {
        return await callUnary(method, request);
      } catch (error) {
        throw hubCallError(error, profile.hubAddr);
      }
    },
    close: () => {
      admin.close();
    },
  };
}
