import type { handleUnaryCall } from "@grpc/grpc-js";
import { formatDuration } from "@warren/config";
import { generateJoinToken, validateLabels } from "@warren/identity";
import type { Logger } from "@warren/log";
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

import type { HubCertificateAuthority } from "../ca/certificate-authority.js";
import type { Clock } from "../clock.js";
import { refuse, validIdentityInput } from "../errors.js";
import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import { unaryHandler } from "../grpc/unary-handler.js";

/** Enough for any fleet; a typo like --uses 1000000 is more likely a mistake. */
const MAX_TOKEN_USES = 10_000;

export interface TokenAdminDeps {
  store: HubStore;
  ca: HubCertificateAuthority;
  authenticator: PeerAuthenticator;
  clock: Clock;
  logger: Logger;
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
  return { ttl, usesTotal, labels: validIdentityInput(() => validateLabels(request.labels)) };
}

export interface TokenAdmin {
  createToken: handleUnaryCall<CreateTokenRequest, CreateTokenResponse>;
  listTokens: handleUnaryCall<ListTokensRequest, ListTokensResponse>;
  deleteToken: handleUnaryCall<DeleteTokenRequest, DeleteTokenResponse>;
}

export function tokenAdmin(deps: TokenAdminDeps): TokenAdmin {
  const { store, authenticator, clock, logger: log } = deps;
  return {
    createToken: unaryHandler(log, "CreateToken", async (call) => {
      const admin = authenticator.admin(call);
      const type = storedTokenType(call.request.type);
      if (type === "admin" && Object.keys(call.request.labels).length > 0) {
        throw refuse.invalid("labels: admin tokens carry no labels (labels are for clusters)");
      }
      const { ttl, usesTotal, labels } = tokenLimits(deps, call.request);
      const minted = generateJoinToken();
      const now = clock.now();
      const record: JoinTokenRecord = {
        id: minted.id,
        type,
        secretHash: minted.secretHash,
        expiresAt: new Date(now.getTime() + ttl),
        usesTotal,
        usesRemaining: usesTotal,
        labels,
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
          labels,
        },
        "join token created",
      );
      return {
        info: tokenInfo(record),
        token: minted.token,
        hubAddr: deps.joinAddr(),
        caPins: [deps.ca.pin],
      };
    }),

    listTokens: unaryHandler(log, "ListTokens", async (call) => {
      authenticator.admin(call);
      return { tokens: (await store.tokens.list()).map(tokenInfo) };
    }),

    deleteToken: unaryHandler(log, "DeleteToken", async (call) => {
      const admin = authenticator.admin(call);
      if (!(await store.tokens.delete(call.request.id))) {
        throw refuse.notFound(
          `there is no join token ${call.request.id} (see warrenctl tokens ls)`,
        );
      }
      log.info({ tokenId: call.request.id, admin }, "join token deleted");
      return {};
    }),
  };
}
