import type { handleUnaryCall } from "@grpc/grpc-js";
import { formatDuration } from "@warren/config";
import {
  formatLabels,
  generateJoinToken,
  validateClusterName,
  isReservedLabelKey,
  RESERVED_LABEL_PREFIX,
  validateLabels,
  validatePrincipalName,
} from "@warren/identity";
import {
  TokenType,
  type CreateTokenRequest,
  type CreateTokenResponse,
  type DeleteTokenRequest,
  type DeleteTokenResponse,
  type ListTokensRequest,
  type ListTokensResponse,
  type TokenInfo,
} from "@warren/proto";
import type { HubStore, JoinTokenRecord, TokenType as StoredTokenType } from "@warren/store";

import type { HubAuthorities } from "../ca/hub-authorities.js";
import { LOCAL_ADMIN_NAME } from "../ca/admin-profile.js";
import { refuse, validIdentityInput } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";

/** Enough for any fleet; a typo like --uses 1000000 is more likely a mistake. */
const MAX_TOKEN_USES = 10_000;

export interface TokenAdminDeps extends AdminHandlerDeps {
  store: HubStore;
  authorities: HubAuthorities;
  tokenTtlMs: number;
  tokenMaxTtlMs: number;
  /** host:port agents join at, for the printed install line (known once listening). */
  joinAddr: () => string;
}

const TOKEN_TYPE_WIRE: Readonly<Record<StoredTokenType, TokenType>> = {
  kube: TokenType.TOKEN_TYPE_KUBE,
  admin: TokenType.TOKEN_TYPE_ADMIN,
};

function storedTokenType(type: TokenType): StoredTokenType {
  const entry = Object.entries(TOKEN_TYPE_WIRE).find(([, wire]) => wire === type);
  if (!entry)
    throw refuse.invalid(`type: choose one of ${Object.keys(TOKEN_TYPE_WIRE).join(", ")}`);
  return entry[0] as StoredTokenType;
}

function tokenInfo(record: JoinTokenRecord): TokenInfo {
  return {
    id: record.id,
    type: TOKEN_TYPE_WIRE[record.type],
    expiresAtUnixMs: record.expiresAt.getTime(),
    usesRemaining: record.usesRemaining,
    usesTotal: record.usesTotal,
    labels: record.labels,
    clusterName: record.clusterName ?? "",
    agentLabelKeys: record.agentLabelKeys,
    adminName: record.adminName ?? "",
    createdAtUnixMs: record.createdAt.getTime(),
  };
}

function tokenLimits(deps: TokenAdminDeps, request: CreateTokenRequest) {
  const ttl = request.ttlMs === 0 ? deps.tokenTtlMs : request.ttlMs;
  if (ttl > deps.tokenMaxTtlMs) {
    throw refuse.invalid(
      `ttl ${formatDuration(ttl)} is longer than this hub allows (token_max_ttl ` +
        `${formatDuration(deps.tokenMaxTtlMs)})`,
    );
  }
  const usesTotal = request.uses === 0 ? 1 : request.uses;
  if (usesTotal > MAX_TOKEN_USES)
    throw refuse.invalid(`uses ${usesTotal} is more than ${MAX_TOKEN_USES}`);
  return { ttl, usesTotal };
}

type TokenSubject = Pick<
  JoinTokenRecord,
  "labels" | "clusterName" | "agentLabelKeys" | "adminName"
>;

/** A kube token names its cluster; labels set the cluster's only when a join creates it. */
export async function kubeSubject(
  store: HubStore,
  request: CreateTokenRequest,
): Promise<TokenSubject> {
  if (request.adminName !== "") throw refuse.invalid("admin_name: kube tokens name a cluster");
  if (request.clusterName === "") {
    throw refuse.invalid(
      "cluster_name: a kube token names the one cluster its agents join (tokens add --cluster NAME)",
    );
  }
  const clusterName = validIdentityInput(() => validateClusterName(request.clusterName));
  const labels = validIdentityInput(() => validateLabels(request.labels));
  const keys = Object.fromEntries(request.agentLabelKeys.map((key) => [key, ""]));
  validIdentityInput(() => validateLabels(keys));
  const reserved = request.agentLabelKeys.filter(isReservedLabelKey);
  if (reserved.length > 0) {
    throw refuse.invalid(
      `agent_label_keys: ${reserved.join(", ")} under ${RESERVED_LABEL_PREFIX} are detected from ` +
        "the cluster's API server, not set by its agent: leave them out of --agent-label-keys",
    );
  }
  const existing = await store.clusters.get(clusterName);
  const relabels = Object.entries(labels).some(([key, value]) => existing?.labels[key] !== value);
  if (existing && relabels) {
    throw refuse.invalid(
      `cluster ${clusterName} exists with labels ${formatLabels(existing.labels) || "(none)"}, ` +
        `and a token's labels apply only to the cluster its join creates: change them with ` +
        `warrenctl clusters label ${clusterName} KEY=VALUE`,
    );
  }
  return {
    labels,
    clusterName,
    agentLabelKeys: [...new Set(request.agentLabelKeys)],
    adminName: undefined,
  };
}

/** An admin token names the admin it enrols; the enrolling side cannot choose another. */
export function adminSubject(request: CreateTokenRequest): TokenSubject {
  if (
    Object.keys(request.labels).length > 0 ||
    request.clusterName !== "" ||
    request.agentLabelKeys.length > 0
  ) {
    throw refuse.invalid("admin tokens carry no cluster or labels (those are for kube tokens)");
  }
  if (request.adminName === "")
    throw refuse.invalid("admin_name: an admin token names who enrols with it (tokens add --name)");
  const name = validIdentityInput(() => validatePrincipalName(request.adminName));
  if (name === LOCAL_ADMIN_NAME) {
    throw refuse.invalid(
      `${LOCAL_ADMIN_NAME} is reserved for the hub's own admin profile on its machine: choose another name`,
    );
  }
  return { labels: {}, clusterName: undefined, agentLabelKeys: [], adminName: name };
}

export interface TokenAdmin {
  createToken: handleUnaryCall<CreateTokenRequest, CreateTokenResponse>;
  listTokens: handleUnaryCall<ListTokensRequest, ListTokensResponse>;
  deleteToken: handleUnaryCall<DeleteTokenRequest, DeleteTokenResponse>;
}

export function tokenAdmin(deps: TokenAdminDeps): TokenAdmin {
  const { store, clock, logger: log } = deps;
  return {
    createToken: adminHandler(
      deps,
      "CreateToken",
      async (call, admin) => {
        const type = storedTokenType(call.request.type);
        const subject =
          type === "kube" ? await kubeSubject(store, call.request) : adminSubject(call.request);
        const { ttl, usesTotal } = tokenLimits(deps, call.request);
        const minted = generateJoinToken();
        const now = clock.now();
        const record: JoinTokenRecord = {
          id: minted.id,
          type,
          secretHash: minted.secretHash,
          expiresAt: new Date(now.getTime() + ttl),
          usesTotal,
          usesRemaining: usesTotal,
          ...subject,
          createdAt: now,
        };
        await store.tokens.create(record);
        log.info(
          {
            tokenId: record.id,
            type,
            admin,
            expiresAt: record.expiresAt.toISOString(),
            uses: usesTotal,
            cluster: record.clusterName,
            adminName: record.adminName,
            labels: record.labels,
          },
          "join token created",
        );
        return {
          info: tokenInfo(record),
          token: minted.token,
          hubAddr: deps.joinAddr(),
          caPins: [deps.authorities.view.pin],
        };
      },
      (request, response) => ({
        verb: "create",
        resource: "tokens",
        name: response?.info?.id ?? "",
        cluster: request.clusterName,
      }),
    ),

    listTokens: adminHandler(deps, "ListTokens", async () => ({
      tokens: (await store.tokens.list()).map(tokenInfo),
    })),

    deleteToken: adminHandler(
      deps,
      "DeleteToken",
      async (call, admin) => {
        if (!(await store.tokens.delete(call.request.id))) {
          throw refuse.notFound(
            `there is no join token ${call.request.id} (see warrenctl tokens ls)`,
          );
        }
        log.info({ tokenId: call.request.id, admin }, "join token deleted");
        return {};
      },
      (request) => ({ verb: "delete", resource: "tokens", name: request.id }),
    ),
  };
}
