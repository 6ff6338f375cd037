import { formatDuration } from "@warren/config";
import { generateJoinToken, IdentityError, validateLabels } from "@warren/identity";
import type { Logger } from "@warren/log";
import { TokenType, type AdminServiceServer, type ClusterInfo } from "@warren/proto";
import type {
  AgentRecord,
  HubStore,
  JoinTokenRecord,
  TokenType as StoredTokenType,
} from "@warren/store";

import type { HubCertificateAuthority } from "../ca/certificate-authority.js";
import type { Clock } from "../clock.js";
import { refuse } from "../errors.js";
import type { PeerAuthenticator } from "../grpc/peer-authenticator.js";
import { unaryHandler } from "../grpc/unary-handler.js";

/** Enough for any fleet; a typo like --uses 1000000 is more likely a mistake. */
const MAX_TOKEN_USES = 10_000;

export interface AdminServiceDeps {
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

export function tokenInfo(record: JoinTokenRecord) {
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

function clusters(agents: readonly AgentRecord[]): ClusterInfo[] {
  const byName = new Map<string, ClusterInfo>();
  for (const agent of agents.filter((a) => !a.revokedAt)) {
    const cluster = byName.get(agent.clusterName) ?? {
      name: agent.clusterName,
      labels: agent.labels,
      agents: [],
      health: undefined,
    };
    cluster.agents.push({
      agentId: agent.id,
      version: agent.agentVersion,
      connected: false,
      connectedAtUnixMs: 0,
      lastHeartbeatUnixMs: 0,
      tunnelRttMs: 0,
      certificateExpiresAtUnixMs: agent.certificateExpiresAt.getTime(),
    });
    byName.set(agent.clusterName, cluster);
  }
  return [...byName.values()];
}

function tokenRequest(
  deps: AdminServiceDeps,
  ttlMs: number,
  uses: number,
  labels: Record<string, string>,
) {
  const ttl = ttlMs === 0 ? deps.tokenTtlMs : ttlMs;
  if (ttl > deps.tokenMaxTtlMs) {
    throw refuse.invalid(
      `ttl ${formatDuration(ttl)} is longer than this hub allows (token_max_ttl ` +
        `${formatDuration(deps.tokenMaxTtlMs)})`,
    );
  }
  const usesTotal = uses === 0 ? 1 : uses;
  if (usesTotal > MAX_TOKEN_USES)
    throw refuse.invalid(`uses ${usesTotal} is more than ${MAX_TOKEN_USES}`);
  try {
    return { ttl, usesTotal, labels: validateLabels(labels) };
  } catch (error) {
    if (error instanceof IdentityError) throw refuse.invalid(error.message);
    throw error;
  }
}

export function createAdminService(deps: AdminServiceDeps): AdminServiceServer {
  const { store, authenticator, clock } = deps;
  const log = deps.logger.child("admin");

  return {
    createToken: unaryHandler(log, "CreateToken", async (call) => {
      const admin = authenticator.admin(call);
      const { type, ttlMs, uses, labels: requested } = call.request;
      const storedType = storedTokenType(type);
      if (storedType === "admin" && Object.keys(requested).length > 0) {
        throw refuse.invalid("labels: admin tokens carry no labels (labels are for clusters)");
      }
      const { ttl, usesTotal, labels } = tokenRequest(deps, ttlMs, uses, requested);
      const minted = generateJoinToken();
      const now = clock.now();
      const record: JoinTokenRecord = {
        id: minted.id,
        type: storedType,
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

    listClusters: unaryHandler(log, "ListClusters", async (call) => {
      authenticator.admin(call);
      return { clusters: clusters(await store.agents.list()) };
    }),

    deleteAgent: unaryHandler(log, "DeleteAgent", async (call) => {
      const admin = authenticator.admin(call);
      const { agentId } = call.request;
      if (!(await store.agents.revoke(agentId, clock.now()))) {
        throw refuse.notFound(`there is no agent ${agentId} that is not revoked already`);
      }
      log.info({ agentId, admin }, "agent revoked");
      return {};
    }),
  };
}
