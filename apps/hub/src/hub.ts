import { join } from "node:path";

import { formatHostPort } from "@warren/config";
import { errorFields, type Logger } from "@warren/log";
import { openSqliteStore } from "@warren/store";

import { ensureAdminProfile } from "./ca/admin-profile.js";
import { ensureCertificateAuthority } from "./ca/certificate-authority.js";
import { issueServerIdentity } from "./ca/server-identity.js";
import { createAdminService } from "./admin/admin-service.js";
import { systemClock, type Clock } from "./clock.js";
import type { HubConfig } from "./config/hub-config.js";
import { ensurePrivateDataDir } from "./data-dir.js";
import { startApiServer } from "./grpc/api-server.js";
import { PeerAuthenticator } from "./grpc/peer-authenticator.js";
import { createJoinService } from "./join/join-service.js";
import { localAddress, publicAddresses, serverNames } from "./public-addresses.js";
import { HUB_VERSION } from "./version.js";

/** Expired tokens stay this long so a late join hears "expired" rather than "unknown". */
const EXPIRED_TOKEN_RETENTION_MS = 24 * 3_600_000;
const TOKEN_SWEEP_INTERVAL_MS = 3_600_000;

export interface RunningHub {
  /** Where clients on this machine reach the API (host:port). */
  apiAddr: string;
  /** Where agents are told to join (host:port). */
  joinAddr: string;
  caPin: string;
  adminProfilePath: string;
  /** Graceful: running calls get up to graceMs to finish. */
  stop(graceMs?: number): Promise<void>;
}

export async function startHub(
  config: HubConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<RunningHub> {
  await ensurePrivateDataDir(config.dataDir, logger);
  const store = openSqliteStore({ path: join(config.dataDir, "hub.db") });
  const ca = await ensureCertificateAuthority(store, clock, logger.child("ca"));
  const identity = await issueServerIdentity(
    ca,
    serverNames(config.publicAddrs, config.listenAddr),
    clock,
  );
  const authenticator = new PeerAuthenticator(ca.certificatePem, store, clock);
  let joinAddr = "";
  const api = await startApiServer({
    listen: config.listenAddr,
    caPem: ca.certificatePem,
    identity,
    join: createJoinService({
      store,
      ca,
      authenticator,
      clock,
      logger,
      agentCertificateTtlMs: config.agentCertificateTtlMs,
      adminLoginTtlMs: config.adminLoginTtlMs,
      tunnelAddr: () => "",
    }),
    admin: createAdminService({
      store,
      ca,
      authenticator,
      clock,
      logger,
      tokenTtlMs: config.tokenTtlMs,
      tokenMaxTtlMs: config.tokenMaxTtlMs,
      joinAddr: () => joinAddr,
    }),
  });
  const bound = { host: config.listenAddr.host, port: api.port };
  const publicAddrs = publicAddresses(config.publicAddrs, bound).map(formatHostPort);
  joinAddr = publicAddrs[0] ?? localAddress(bound);
  const apiAddr = localAddress(bound);
  const adminProfilePath = await ensureAdminProfile({
    dataDir: config.dataDir,
    ca,
    hubAddr: apiAddr,
    certificateTtlMs: config.adminCertificateTtlMs,
    clock,
    logger,
  });
  const sweep = setInterval(() => {
    const cutoff = new Date(clock.now().getTime() - EXPIRED_TOKEN_RETENTION_MS);
    store.tokens.deleteExpiredBefore(cutoff).catch((error: unknown) => {
      logger.warn(errorFields(error), "could not delete expired join tokens");
    });
  }, TOKEN_SWEEP_INTERVAL_MS);
  sweep.unref();
  logger.info(
    { version: HUB_VERSION, apiAddr, publicAddrs, caPin: ca.pin, dataDir: config.dataDir },
    "hub ready",
  );
  return {
    apiAddr,
    joinAddr,
    caPin: ca.pin,
    adminProfilePath,
    stop: async (graceMs = 10_000) => {
      clearInterval(sweep);
      await api.stop(graceMs);
      await store.close();
      logger.info({}, "hub stopped");
    },
  };
}
