import type { handleUnaryCall } from "@grpc/grpc-js";
import type {
  ApplyProvisionTokenRequest,
  ApplyProvisionTokenResponse,
  CreateTokenRequest,
  DeleteProvisionTokenRequest,
  DeleteProvisionTokenResponse,
  ListProvisionTokensRequest,
  ListProvisionTokensResponse,
  ProvisionTokenInfo,
} from "@warren/proto";
import { TokenType } from "@warren/proto";
import type { HubStore } from "@warren/store";

import { refuse } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import type { AuthenticatedAdmin } from "../grpc/peer-authenticator.js";
import type { ProvisionTokenSpec } from "../provision/provision-token-document.js";
import type { ProvisionTokens, StoredProvisionToken } from "../provision/provision-tokens.js";
import { adminSubject, kubeSubject } from "./token-admin.js";

export interface ProvisionTokenAdminDeps extends AdminHandlerDeps {
  provisionTokens: ProvisionTokens;
}

const MAX_DOCUMENT_BYTES = 64 * 1024;

const tokenInfo = (token: StoredProvisionToken): ProvisionTokenInfo => ({
  name: token.spec.name,
  type: token.spec.type,
  joinMethod: token.spec.joinMethod,
  document: token.document,
  updatedAtUnixMs: token.updatedAt.getTime(),
  labels: token.spec.labels,
});

/** A provision token grants what a minted token of its type would: checked the same way. */
export function provisionGrantCheck(store: HubStore) {
  return async (spec: ProvisionTokenSpec): Promise<void> => {
    const request: CreateTokenRequest = {
      type: spec.type === "kube" ? TokenType.TOKEN_TYPE_KUBE : TokenType.TOKEN_TYPE_ADMIN,
      ttlMs: 0,
      uses: 0,
      labels: spec.clusterLabels,
      clusterName: spec.clusterName,
      agentLabelKeys: spec.agentLabelKeys,
      adminName: spec.adminName,
    };
    if (spec.type === "kube") await kubeSubject(store, request);
    else adminSubject(request);
  };
}

/** A scoped admin (the operator) may not mint a way in for a wider admin than itself. */
function noWiderThan(caller: AuthenticatedAdmin, spec: ProvisionTokenSpec): void {
  if (caller.scope === undefined || spec.type !== "admin" || spec.adminScope !== "full") return;
  throw refuse.notAllowed(
    `admin ${caller.name} has scope ${caller.scope} and may not create a provision token for ` +
      "a full admin (admin_scope: full): a full admin applies it with warrenctl create -f",
  );
}

export interface ProvisionTokenAdmin {
  applyProvisionToken: handleUnaryCall<ApplyProvisionTokenRequest, ApplyProvisionTokenResponse>;
  listProvisionTokens: handleUnaryCall<ListProvisionTokensRequest, ListProvisionTokensResponse>;
  deleteProvisionToken: handleUnaryCall<DeleteProvisionTokenRequest, DeleteProvisionTokenResponse>;
}

export function provisionTokenAdmin(deps: ProvisionTokenAdminDeps): ProvisionTokenAdmin {
  const { provisionTokens, logger: log } = deps;
  return {
    applyProvisionToken: adminHandler(
      deps,
      "ApplyProvisionToken",
      async (call, admin, caller) => {
        if (Buffer.byteLength(call.request.document) > MAX_DOCUMENT_BYTES)
          throw refuse.invalid(`the document is larger than ${String(MAX_DOCUMENT_BYTES)} bytes`);
        const { token, created } = await provisionTokens.apply(call.request.document, (spec) => {
          noWiderThan(caller, spec);
        });
        const { name, type, kubernetes } = token.spec;
        log.info(
          { provisionToken: name, type, kubernetes: kubernetes.type, admin, created },
          "provision token applied",
        );
        return { token: tokenInfo(token), created };
      },
      (_request, response) => ({
        verb: "apply",
        resource: "provision_tokens",
        name: response?.token?.name ?? "",
      }),
    ),

    listProvisionTokens: adminHandler(deps, "ListProvisionTokens", async () => ({
      tokens: (await provisionTokens.list()).map(tokenInfo),
    })),

    deleteProvisionToken: adminHandler(
      deps,
      "DeleteProvisionToken",
      async (call, admin) => {
        if (!(await provisionTokens.delete(call.request.name))) {
          throw refuse.notFound(
            `there is no provision token ${call.request.name} (see warrenctl tokens ls)`,
          );
        }
        log.info({ provisionToken: call.request.name, admin }, "provision token deleted");
        return {};
      },
      (request) => ({ verb: "delete", resource: "provision_tokens", name: request.name }),
    ),
  };
}
