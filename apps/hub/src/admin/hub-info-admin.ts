import type { handleUnaryCall } from "@grpc/grpc-js";
import type { GetHubInfoRequest, GetHubInfoResponse } from "@warren/proto";

import type { HubAuthorities } from "../ca/hub-authorities.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import type { KubeNames } from "../kube/kube-names.js";
import { HUB_VERSION } from "../version.js";

export interface HubInfoAdminDeps extends AdminHandlerDeps {
  authorities: HubAuthorities;
  kubeUrl: () => string;
  kubeNames: KubeNames;
}

export function getHubInfoHandler(
  deps: HubInfoAdminDeps,
): handleUnaryCall<GetHubInfoRequest, GetHubInfoResponse> {
  return adminHandler(deps, "GetHubInfo", () => {
    return Promise.resolve({
      version: HUB_VERSION,
      kubeUrl: deps.kubeUrl(),
      caPem: deps.authorities.view.serverIssuer.certificatePem,
      hubName: deps.kubeNames.hubName,
      kubeServerName: deps.kubeNames.kubeServerName,
      trustedCaPems: deps.authorities.view.trusted,
      retiredCaPems: [...deps.authorities.state.retired],
    });
  });
}
