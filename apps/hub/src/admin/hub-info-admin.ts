import type { handleUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "@warren/log";
import type { GetHubInfoRequest, GetHubInfoResponse } from "@warren/proto";

import type { HubCertificateAuthority } from "../ca/certificate-authority.js";
import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import { unaryHandler } from "../grpc/unary-handler.js";
import { HUB_VERSION } from "../version.js";

export interface HubInfoAdminDeps {
  ca: HubCertificateAuthority;
  authenticator: PeerAuthenticator;
  kubeUrl: () => string;
  logger: Logger;
}

export function getHubInfoHandler(
  deps: HubInfoAdminDeps,
): handleUnaryCall<GetHubInfoRequest, GetHubInfoResponse> {
  return unaryHandler(deps.logger, "GetHubInfo", (call) => {
    deps.authenticator.admin(call);
    return Promise.resolve({
      version: HUB_VERSION,
      kubeUrl: deps.kubeUrl(),
      caPem: deps.ca.certificatePem,
    });
  });
}
